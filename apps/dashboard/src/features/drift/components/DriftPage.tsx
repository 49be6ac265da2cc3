import type { DriftActionRequest, DriftActionView, DriftFindingView } from '@bulkhead/contracts';
import { CLUSTER_SCOPE } from '@bulkhead/contracts';
import { useState } from 'react';
import { describeError } from '../../../api/client';
import { useAuth } from '../../../app/auth';
import { Link } from '../../../app/router';
import { DiffLines } from '../../../shared/DiffLines';
import { formatAgo, formatDate, personName, plural } from '../../../shared/format';
import { useCluster } from '../../../shared/use-clusters';
import { Badge, Empty, ErrorNote, LoadMore, Loading, PageHeader } from '../../../shared/ui';
import { useCheckDrift, useDriftAction, useDriftActions, useDriftFindings } from '../api';
import '../drift.css';

const KIND_WORDS: Record<DriftFindingView['kind'], { label: string; tone: 'bad' | 'warn' | 'info' }> = {
  policy_removed: { label: 'policy removed', tone: 'bad' },
  policy_changed: { label: 'policy changed', tone: 'warn' },
  policy_added: { label: 'policy added', tone: 'info' },
  probe_changed: { label: 'probe changed', tone: 'bad' },
};

const ACTION_WORDS: Record<DriftActionRequest['kind'], { button: string; confirm: (namespace: string, version: number) => string }> = {
  reapply: {
    button: 'Re-apply the plan',
    confirm: (namespace, version) =>
      `Put back exactly the policies of plan v${version} in ${namespace}: changed ones are replaced, removed ones come back, and policies the plan does not have are deleted.`,
  },
  accept: {
    button: 'Accept the live state',
    confirm: (namespace, version) =>
      `Make the plan's next version: plan v${version} with the policies ${namespace} has now. Drift is measured against it from then on.`,
  },
};

/** A cluster's drift: what the last check found, namespace by namespace, with the YAML difference and what can be done about it. */
export function DriftPage({ clusterId }: { clusterId: string }) {
  const { can } = useAuth();
  const cluster = useCluster(clusterId);
  const findings = useDriftFindings(clusterId);
  const { checks, request, checking } = useCheckDrift(clusterId);
  const lastCheck = checks.data?.[0];
  const byNamespace = new Map<string, DriftFindingView[]>();
  for (const finding of findings.items ?? []) byNamespace.set(finding.namespace, [...(byNamespace.get(finding.namespace) ?? []), finding]);

  return (
    <div className="page">
      <PageHeader
        title="Drift"
        subtitle={
          <>
            {cluster.data ? <Link to={`/clusters/${clusterId}`}>{cluster.data.name}</Link> : null}
            {' · '}
            <span data-testid="last-check" title={lastCheck ? formatDate(lastCheck.checkedAt) : undefined}>
              {lastCheck ? `checked ${formatAgo(lastCheck.checkedAt)}` : 'not checked yet'}
            </span>
          </>
        }
        actions={
          can('drift.act') && (
            <button type="button" className="btn btn-small" onClick={() => request.mutate()} disabled={checking}>
              {checking ? 'Checking…' : 'Check now'}
            </button>
          )
        }
      />
      <div className="stack">
        {request.error !== null && (
          <div className="note note-error" role="alert">
            {describeError(request.error)}
          </div>
        )}
        {findings.isPending && <Loading what="the findings" />}
        {findings.loadError && (
          <ErrorNote error={findings.loadError} title="The findings could not be loaded." onRetry={() => void findings.refetch()} />
        )}
        {findings.isSuccess && byNamespace.size === 0 && (
          <Empty title="No drift">
            {lastCheck
              ? 'The last check found every namespace the last rollout verified as the plan has it, and its probes as they were.'
              : 'No check has run yet: drift is checked every 10 minutes once a rollout has verified a namespace.'}
          </Empty>
        )}
        {[...byNamespace].map(([namespace, found]) => (
          <NamespaceDrift key={namespace} clusterId={clusterId} namespace={namespace} findings={found} canAct={can('drift.act')} />
        ))}
        {findings.items && <LoadMore shown={findings.items.length} noun="findings" list={findings} />}
        <RecentActions clusterId={clusterId} />
      </div>
    </div>
  );
}

function NamespaceDrift({
  clusterId,
  namespace,
  findings,
  canAct,
}: {
  clusterId: string;
  namespace: string;
  findings: DriftFindingView[];
  canAct: boolean;
}) {
  const [confirming, setConfirming] = useState<DriftActionRequest['kind'] | null>(null);
  const act = useDriftAction(clusterId);
  const version = findings[0]?.planVersion ?? 0;
  const confirm = () => {
    if (confirming) act.mutate({ kind: confirming, namespaces: [namespace] }, { onSuccess: () => setConfirming(null) });
  };
  return (
    <section className="card" aria-label={`Drift in ${namespace}`} data-namespace={namespace}>
      <div className="card-head drift-head">
        <h2>
          <span className="mono">{namespace}</span> <span className="muted">{plural(findings.length, 'finding')}</span>
        </h2>
        {canAct && (
          <div className="drift-actions">
            {/* The guardrails (CLUSTER_SCOPE) come from the map, not from the cluster: they are re-applied, never accepted. */}
            {(namespace === CLUSTER_SCOPE ? (['reapply'] as const) : (['reapply', 'accept'] as const)).map((kind) => (
              <button
                key={kind}
                type="button"
                className={`btn btn-small${confirming === kind ? ' pressed' : ''}`}
                onClick={() => setConfirming(confirming === kind ? null : kind)}
                disabled={act.isPending}
              >
                {ACTION_WORDS[kind].button}
              </button>
            ))}
          </div>
        )}
      </div>
      {confirming && (
        <div className="note note-warn drift-confirm" role="alertdialog" aria-label={ACTION_WORDS[confirming].button}>
          <p>{ACTION_WORDS[confirming].confirm(namespace, version)}</p>
          <div className="drift-actions">
            <button type="button" className="btn btn-small btn-primary" onClick={confirm} disabled={act.isPending}>
              {act.isPending ? 'Asking…' : `Confirm: ${ACTION_WORDS[confirming].button.toLowerCase()}`}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {act.error !== null && (
        <div className="note note-error" role="alert">
          {describeError(act.error)}
        </div>
      )}
      <div className="drift-findings">
        {findings.map((finding) => (
          <Finding key={finding.id} finding={finding} />
        ))}
      </div>
    </section>
  );
}

function Finding({ finding }: { finding: DriftFindingView }) {
  const kind = KIND_WORDS[finding.kind];
  const { difference } = finding;
  const summary = (
    <>
      <Badge tone={kind.tone}>{kind.label}</Badge>
      <span className="mono drift-subject">{finding.subject}</span>
      <span className="muted small" title={formatDate(finding.foundAt)}>
        found {formatAgo(finding.foundAt)}
      </span>
    </>
  );
  if (!difference)
    return (
      <div className="drift-finding" data-testid="drift-finding" data-kind={finding.kind}>
        <div className="drift-summary">{summary}</div>
        <p className="small">{finding.message}</p>
      </div>
    );
  return (
    <details className="drift-finding" data-testid="drift-finding" data-kind={finding.kind} open>
      <summary className="drift-summary">{summary}</summary>
      <p className="small">{finding.message}</p>
      <div className="drift-sides muted small">
        <span className="line-del">− plan v{finding.planVersion}</span>
        <span className="line-add">+ live</span>
        {difference.truncated && <span>cut at 400 lines a side</span>}
      </div>
      <div data-testid="yaml-difference">
        <DiffLines lines={difference.lines} />
      </div>
    </details>
  );
}

const STATUS_TONE = { queued: 'info', done: 'good', failed: 'bad' } as const;

function RecentActions({ clusterId }: { clusterId: string }) {
  const actions = useDriftActions(clusterId);
  if (!actions.items?.length) return null;
  return (
    <section className="card" aria-labelledby="drift-actions-title">
      <div className="card-head">
        <h2 id="drift-actions-title">What was done</h2>
      </div>
      <div className="table-wrap">
        <table className="table" data-testid="drift-actions">
          <thead>
            <tr>
              <th>Asked</th>
              <th>Action</th>
              <th>Namespaces</th>
              <th>Status</th>
              <th>What came of it</th>
            </tr>
          </thead>
          <tbody>
            {actions.items.map((action) => (
              <ActionRow key={action.id} action={action} />
            ))}
          </tbody>
        </table>
        <LoadMore shown={actions.items.length} noun="actions" list={actions} />
      </div>
    </section>
  );
}

function ActionRow({ action }: { action: DriftActionView }) {
  return (
    <tr>
      <td className="nowrap" title={formatDate(action.requestedAt)}>
        {formatAgo(action.requestedAt)} · {personName(action.requestedBy)}
      </td>
      <td className="nowrap">{ACTION_WORDS[action.kind].button}</td>
      <td className="mono">{action.namespaces.join(', ')}</td>
      <td>
        <Badge tone={STATUS_TONE[action.status]}>{action.status}</Badge>
      </td>
      <td className="small">
        {action.detail}
        {action.planId && (
          <>
            {' '}
            <Link to={`/plans/${action.planId}`}>Open the new version</Link>
          </>
        )}
      </td>
    </tr>
  );
}
