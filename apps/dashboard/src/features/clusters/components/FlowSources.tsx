import type { FlowSourceView } from '@bulkhead/contracts';
import { useState } from 'react';
import { describeError } from '../../../api/client';
import { useAuth } from '../../../app/auth';
import { Link } from '../../../app/router';
import { formatAgo, formatDate, formatNumber } from '../../../shared/format';
import { Badge, ErrorNote, Loading, type Tone } from '../../../shared/ui';
import { useDeleteFlowSource, useFlowSources, useUpdateFlowSource } from '../api';
import { AddFlowSource, KIND_NAMES } from './AddFlowSource';

const STATUS_TONE: Record<FlowSourceView['status'], Tone> = {
  waiting: 'neutral',
  connected: 'good',
  lagging: 'warn',
  failing: 'bad',
};

const TLS_WORDS: Record<FlowSourceView['tls']['mode'], string> = {
  none: 'plain gRPC',
  tls: 'TLS',
  mtls: 'mTLS',
};

/**
 * Where the cluster's live flows come from, each with its state as the collector last wrote it (read
 * again every few seconds); operators add, enable, disable and remove them. TLS material is never shown:
 * the API does not return it.
 */
export function FlowSources({ clusterId }: { clusterId: string }) {
  const { can } = useAuth();
  const sources = useFlowSources(clusterId);
  const mayChange = can('flowSources.manage');
  const list = sources.data ? [...sources.data].sort((a, b) => a.name.localeCompare(b.name)) : [];

  return (
    <section className="card card-flush" aria-labelledby="flow-sources-title" data-testid="flow-sources">
      <div className="card-head">
        <h2 id="flow-sources-title">Flow sources {sources.data && <span className="muted">{sources.data.length}</span>}</h2>
      </div>
      {sources.isPending && <Loading what="flow sources" />}
      {sources.isError && (
        <ErrorNote error={sources.error} title="The flow sources could not be loaded." onRetry={() => void sources.refetch()} />
      )}
      {sources.isSuccess && list.length === 0 && (
        <p className="pad next-hint" data-testid="no-flow-source">
          <span>
            No flow source: the map only grows when flows are imported.{' '}
            {mayChange
              ? 'Add a flow source below (Hubble Relay or Goldmane) or import flows.'
              : 'An operator can add a flow source, or import flows.'}
          </span>
          <Link to={`/clusters/${clusterId}/flow-imports`} className="btn btn-small">
            Import flows
          </Link>
        </p>
      )}
      {list.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="flow-source-table">
            <thead>
              <tr>
                <th>Source</th>
                <th>Kind</th>
                <th>Address</th>
                <th>Enabled</th>
                <th>State</th>
                <th>Last flow</th>
                <th className="num">Flows/s</th>
                {mayChange && <th aria-label="Actions" />}
              </tr>
            </thead>
            <tbody>
              {list.map((source) => (
                <SourceRow key={source.id} clusterId={clusterId} source={source} mayChange={mayChange} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mayChange && <AddFlowSource clusterId={clusterId} />}
    </section>
  );
}

function SourceRow({ clusterId, source, mayChange }: { clusterId: string; source: FlowSourceView; mayChange: boolean }) {
  return (
    <tr data-source={source.name} data-status={source.status} data-enabled={String(source.enabled)}>
      <td className="mono">{source.name}</td>
      <td>{KIND_NAMES[source.kind]}</td>
      <td>
        {source.address ? (
          <>
            <span className="mono">{source.address}</span>{' '}
            <span className="muted small">
              {TLS_WORDS[source.tls.mode]}
              {source.tls.serverName ? ` as ${source.tls.serverName}` : ''}
            </span>
          </>
        ) : source.simulation ? (
          <span className="muted">{formatNumber(source.simulation.connectionsPerSecond)} connections/s, simulated</span>
        ) : null}
      </td>
      <td>{source.enabled ? 'yes' : 'no'}</td>
      <td data-testid="source-state">
        <Badge tone={STATUS_TONE[source.status]} title={`since ${formatDate(source.statusSince)}`}>
          {source.status}
        </Badge>
        {source.reason && (
          <div className="small source-reason" data-testid="source-reason">
            {source.reason}
          </div>
        )}
      </td>
      <td className="nowrap" title={source.lastFlowAt ? formatDate(source.lastFlowAt) : undefined}>
        {source.lastFlowAt ? formatAgo(source.lastFlowAt) : 'none yet'}
      </td>
      <td className="num">{formatNumber(Math.round(source.flowsPerSecond * 10) / 10)}</td>
      {mayChange && (
        <td className="nowrap">
          <SourceActions clusterId={clusterId} source={source} />
        </td>
      )}
    </tr>
  );
}

/** Enable or disable at once; removal asks first, since the collector stops and its settings are gone. */
function SourceActions({ clusterId, source }: { clusterId: string; source: FlowSourceView }) {
  const [confirming, setConfirming] = useState(false);
  const update = useUpdateFlowSource(clusterId);
  const remove = useDeleteFlowSource(clusterId);
  const busy = update.isPending || remove.isPending;
  const error = update.error ?? remove.error;
  const errorNote = error !== null && (
    <span className="note note-error" role="alert">
      {describeError(error)}
    </span>
  );
  const [verb, doing] = source.enabled ? ['Disable', 'Disabling…'] : ['Enable', 'Enabling…'];
  const toggleLabel = update.isPending ? doing : `${verb} ${source.name}`;
  if (confirming)
    return (
      <span role="group" aria-label={`Remove ${source.name}`}>
        <span className="muted">Stops collecting; what it saw stays on the map. </span>
        <button type="button" className="btn btn-small btn-danger-ghost" disabled={busy} onClick={() => remove.mutate(source.id)}>
          {remove.isPending ? 'Removing…' : `Remove ${source.name}`}
        </button>{' '}
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => setConfirming(false)}>
          Cancel
        </button>
        {errorNote}
      </span>
    );
  return (
    <span>
      <button
        type="button"
        className="btn btn-small"
        disabled={busy}
        onClick={() => update.mutate({ sourceId: source.id, body: { enabled: !source.enabled } })}
      >
        {toggleLabel}
      </button>{' '}
      <button type="button" className="btn btn-small btn-danger-ghost" disabled={busy} onClick={() => setConfirming(true)}>
        Remove…
      </button>
      {errorNote}
    </span>
  );
}
