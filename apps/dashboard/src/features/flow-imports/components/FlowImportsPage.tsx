import type { FlowImportView } from '@bulkhead/contracts';
import { useEffect } from 'react';
import { useAuth } from '../../../app/auth';
import { rememberCluster } from '../../../app/last-cluster';
import { Link } from '../../../app/router';
import { ClusterPicker } from '../../../shared/ClusterPicker';
import { formatAgo, formatBytes, formatDate, formatNumber, plural } from '../../../shared/format';
import { Badge, Empty, ErrorNote, Loading, LoadMore, PageHeader } from '../../../shared/ui';
import { useFlowImports } from '../api';
import { UploadFlows } from './UploadFlows';
import '../flow-imports.css';

const STATUS_TONE = { queued: 'neutral', running: 'info', succeeded: 'good', failed: 'bad' } as const;

/** Observed traffic that built the map: each upload, how far its import got, and what was skipped and why. */
export function FlowImportsPage({ clusterId }: { clusterId: string }) {
  const { can } = useAuth();
  const imports = useFlowImports(clusterId);
  useEffect(() => rememberCluster(clusterId), [clusterId]);

  return (
    <div className="page">
      <PageHeader
        title={
          <>
            Flow imports <ClusterPicker current={clusterId} to={(id) => `/clusters/${id}/flow-imports`} />
          </>
        }
        subtitle="Hubble JSON, Calico flow logs, Istio/Envoy access logs, AWS VPC Flow Logs, Inspektor Gadget output, Otterize ClientIntents or edge lists: the format is read from the content. Every flow is attributed to a workload or counted as skipped, with the reason."
      />
      {can('flows.upload') && <UploadFlows clusterId={clusterId} />}
      {imports.isPending && <Loading what="flow imports" />}
      {imports.loadError !== null && (
        <>
          <ErrorNote error={imports.loadError} title="The flow imports could not be loaded." onRetry={() => void imports.refetch()} />
          <p>
            <Link to="/">Back to the overview</Link>
          </p>
        </>
      )}
      {imports.items && imports.items.length === 0 && (
        <Empty title="No flows imported yet">
          {can('flows.upload')
            ? 'Upload a file above: hubble observe -o jsonpb, a Calico flow log, an access log, a VPC Flow Log, Otterize intents, or an edge list.'
            : 'An operator can upload observed traffic here.'}
        </Empty>
      )}
      <div className="import-list">
        {imports.items?.map((i) => (
          <ImportCard key={i.id} clusterId={clusterId} view={i} />
        ))}
      </div>
      <LoadMore shown={imports.items?.length ?? 0} noun="imports" list={imports} />
    </div>
  );
}

function ImportCard({ clusterId, view: i }: { clusterId: string; view: FlowImportView }) {
  const p = i.progress;
  const total = p.totalBytes || i.sizeBytes;
  const percent = i.status === 'succeeded' ? 100 : total > 0 ? Math.min(100, Math.round((p.bytesRead / total) * 100)) : 0;
  const skipped = Object.entries(p.skippedByReason ?? {}).sort((a, b) => b[1] - a[1]);
  return (
    <section className="card import-card" data-testid="flow-import" data-status={i.status} aria-label={i.fileName ?? 'flow import'}>
      <div className="import-head">
        <div>
          <h2 className="import-name">{i.fileName ?? 'unnamed upload'}</h2>
          <div className="muted small">
            {formatBytes(i.sizeBytes)}
            {i.format && ` · ${i.format}`} · uploaded {formatAgo(i.createdAt)}
            {i.finishedAt && ` · finished ${formatDate(i.finishedAt)}`}
          </div>
        </div>
        <Badge tone={i.warnings.length > 0 ? 'warn' : STATUS_TONE[i.status]}>
          {i.warnings.length > 0 ? `${i.status}, with a warning` : i.status}
        </Badge>
      </div>
      {i.duplicateOf && <div className="note note-info">The same content was imported before: nothing was counted twice.</div>}
      {i.error && (
        <div className="note note-error" role="alert">
          {i.error}
        </div>
      )}
      {i.warnings.map((w) => (
        <div key={w.code} className="note note-warn" data-testid="flow-import-warning" data-code={w.code}>
          {w.message}
        </div>
      ))}
      <UnattributedNote counts={i.unattributed} />
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label="Import progress"
      >
        <div className={`progress-bar progress-${i.status}`} style={{ width: `${percent}%` }} />
      </div>
      <dl className="stats stats-compact">
        <div className="stat">
          <dt>Read</dt>
          <dd>
            {formatBytes(p.bytesRead)} <span className="muted">/ {formatBytes(total)}</span>
          </dd>
        </div>
        <div className="stat">
          <dt>Lines</dt>
          <dd>{formatNumber(p.linesRead)}</dd>
        </div>
        <div className="stat">
          <dt>Flows parsed</dt>
          <dd>{formatNumber(p.flowsParsed)}</dd>
        </div>
        <div className="stat">
          <dt>Attributed</dt>
          <dd>{formatNumber(p.flowsAttributed)}</dd>
        </div>
        <div className="stat">
          <dt>Skipped</dt>
          <dd className={p.flowsSkipped ? 'warn-text' : undefined}>{formatNumber(p.flowsSkipped)}</dd>
        </div>
        <div className="stat">
          <dt>Dependencies</dt>
          <dd>
            {i.status === 'succeeded' ? <Link to={`/clusters/${clusterId}/map`}>{formatNumber(p.edges)}</Link> : formatNumber(p.edges)}
          </dd>
        </div>
      </dl>
      {skipped.length > 0 && (
        <div className="skipped">
          <span className="muted small">Skipped because: </span>
          {skipped.map(([reason, n]) => (
            <span key={reason} className="chip chip-static">
              {reason} · {plural(n, 'flow')}
            </span>
          ))}
        </div>
      )}
    </section>
  );
}

/** What became of the flows that could not be attributed when the import ran. */
function UnattributedNote({ counts }: { counts: FlowImportView['unattributed'] }) {
  const parts = [
    counts.attributedLater > 0 && `${plural(counts.attributedLater, 'flow')} attributed later, when the inventory changed`,
    counts.waiting > 0 && `${plural(counts.waiting, 'flow')} kept, attributed again at every snapshot or sync`,
    counts.notKept > 0 && `${plural(counts.notKept, 'unattributed flow')} not kept: the cluster already keeps as many as it can`,
  ].filter((part): part is string => typeof part === 'string');
  if (parts.length === 0) return null;
  return <div className="muted small unattributed-note">{parts.join(' · ')}</div>;
}
