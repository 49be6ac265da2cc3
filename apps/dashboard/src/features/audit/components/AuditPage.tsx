import { type FormEvent, useMemo, useState } from 'react';
import { setQuery, useLocation } from '../../../app/router';
import type { AuditItem } from '@bulkhead/contracts';
import { personName } from '../../../shared/format';
import { Badge, Empty, ErrorNote, Loading, PageHeader, type Tone } from '../../../shared/ui';
import { useClusters } from '../../../shared/use-clusters';
import { toYaml } from '../../../shared/yaml';
import { useAuditPage } from '../api';
import '../audit.css';

const PAGE = 50;

/** Actions to pick from; the API also takes any exact action, or a prefix ending in ".". */
const ACTIONS = [
  'rollout.',
  'rollout.request',
  'rollout.stage.approve',
  'rollout.stage.reject',
  'rollout.step.policies_applied',
  'rollout.step.policies_restored',
  'rollout.step.skip_requested',
  'rollout.step.skip',
  'rollout.step.skip_rejected',
  'rollout.rollback',
  'plan.create',
  'edge.',
  'edge.confirm',
  'edge.reject',
  'edge.declare',
  'flows.upload',
  'inventory.import',
  'namespace.set_tier',
  'cluster.',
  'user.create',
  'token.',
  'auth.',
];

const toneOf = (action: string): Tone => {
  if (/reject|abort|halt|restor|rollback|delete|revoke/.test(action)) return 'warn';
  if (/approve|confirm|verified|completed/.test(action)) return 'good';
  if (action.startsWith('rollout.')) return 'info';
  if (action.startsWith('auth.')) return 'neutral';
  return 'accent';
};

/** Who did what, when, to which cluster; newest first, 50 at a time, with the policies before and after a change. */
export function AuditPage() {
  const { query } = useLocation();
  const clusters = useClusters();
  const address = query.toString();
  // One filters object per address, so that the entries load again only when the address changes.
  const filters = useMemo(() => {
    const params = new URLSearchParams(address);
    return {
      clusterId: params.get('cluster') ?? undefined,
      actor: params.get('actor') ?? undefined,
      action: params.get('action') ?? undefined,
      q: params.get('q') ?? undefined,
      cursor: params.get('cursor') ?? undefined,
    };
  }, [address]);
  const entries = useAuditPage(filters, PAGE);
  const [actor, setActor] = useState(filters.actor ?? '');
  const [action, setAction] = useState(filters.action ?? '');
  const [text, setText] = useState(filters.q ?? '');
  const [newer, setNewer] = useState<string[]>([]);
  const names = new Map((clusters.data ?? []).map((c) => [c.id, c.name]));

  const search = (e: FormEvent) => {
    e.preventDefault();
    setNewer([]);
    setQuery({ actor: actor.trim(), action: action.trim(), q: text.trim(), cursor: null });
  };
  const clear = () => {
    setActor('');
    setAction('');
    setText('');
    setNewer([]);
    setQuery({ actor: null, action: null, q: null, cluster: null, cursor: null });
  };

  const rows = entries.data?.items ?? [];
  const olderCursor = entries.data?.nextCursor ?? null;
  // The cursors of the newer pages this one was reached from, to go back through them.
  const older = () => {
    if (olderCursor === null) return;
    setNewer([...newer, filters.cursor ?? '']);
    setQuery({ cursor: olderCursor });
  };
  const back = () => {
    const prev = newer[newer.length - 1];
    setNewer(newer.slice(0, -1));
    setQuery({ cursor: prev || null });
  };
  const filtered = !!(filters.clusterId || filters.actor || filters.action || filters.q);

  return (
    <div className="page">
      <PageHeader
        title="Audit log"
        subtitle="Every change through the API or the dashboard, and every step a rollout took on its own, with the policies before and after."
      />
      <form className="toolbar" onSubmit={search} role="search" aria-label="Filter the audit log">
        <label className="toolbar-item">
          <span className="toolbar-label">Cluster</span>
          <select
            value={filters.clusterId ?? ''}
            onChange={(e) => {
              setNewer([]);
              setQuery({ cluster: e.target.value, cursor: null });
            }}
            aria-label="Cluster"
          >
            <option value="">All clusters</option>
            {clusters.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar-item">
          <span className="toolbar-label">User</span>
          <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="user:alice" aria-label="User (actor)" size={14} />
        </label>
        <label className="toolbar-item">
          <span className="toolbar-label">Action</span>
          <input
            value={action}
            onChange={(e) => setAction(e.target.value)}
            placeholder="rollout."
            list="audit-actions"
            aria-label="Action"
            size={18}
          />
          <datalist id="audit-actions">
            {ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="toolbar-item toolbar-grow">
          <span className="toolbar-label">Text</span>
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="namespace, target, comment…"
            aria-label="Search targets and details"
          />
        </label>
        <button type="submit" className="btn btn-primary btn-small">
          Search
        </button>
        {filtered && (
          <button type="button" className="btn btn-ghost btn-small" onClick={clear}>
            Clear
          </button>
        )}
      </form>
      {entries.isPending && <Loading what="the audit log" />}
      {entries.isError && (
        <ErrorNote error={entries.error} title="The audit log could not be loaded." onRetry={() => void entries.refetch()} />
      )}
      {entries.data && rows.length === 0 && (
        <Empty title={filtered ? 'Nothing matches' : 'Nothing recorded yet'}>
          {filtered
            ? 'No entry matches these filters. The action matches exactly, or every action under a prefix ending in “.”.'
            : 'Changes will show here as they happen.'}
        </Empty>
      )}
      {rows.length > 0 && (
        <section className="card card-flush" aria-label="Audit entries">
          <table className={`table audit${entries.isPlaceholderData ? ' stale' : ''}`} data-testid="audit-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Cluster</th>
                <th>Target</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <AuditRow key={e.id} entry={e} clusterName={e.clusterId ? names.get(e.clusterId) : undefined} />
              ))}
            </tbody>
          </table>
          <div className="table-more">
            <button type="button" className="btn btn-small" onClick={back} disabled={newer.length === 0 && !filters.cursor}>
              ← Newer
            </button>
            <button type="button" className="btn btn-small" onClick={older} disabled={olderCursor === null}>
              Older →
            </button>
            <span className="muted small">
              {rows.length} entries{filters.cursor ? ' (older page)' : ', newest first'}
            </span>
          </div>
        </section>
      )}
    </div>
  );
}

const hasValue = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'object' && Object.keys(v).length === 0);
const recorded = (v: unknown) => v !== undefined && v !== null;
const policiesText = (v: unknown) =>
  !recorded(v) ? '# not recorded' : Array.isArray(v) && v.length === 0 ? '# no NetworkPolicy' : toYaml(v);
type PolicyLike = { metadata?: { name?: string }; spec?: unknown };
const policyList = (v: unknown): PolicyLike[] => (Array.isArray(v) ? (v as PolicyLike[]) : []);
const nameOf = (policy: PolicyLike) => policy.metadata?.name ?? '(no name)';

/** What a change did, policy by policy: removed, added, spec changed, or left as it was (by name and spec). */
function policyDifference(before: unknown, after: unknown) {
  const old = new Map(policyList(before).map((p) => [nameOf(p), p]));
  const now = new Map(policyList(after).map((p) => [nameOf(p), p]));
  const same = (a: PolicyLike, b: PolicyLike) => toYaml(a.spec) === toYaml(b.spec);
  return {
    removed: [...old.keys()].filter((name) => !now.has(name)),
    added: [...now.keys()].filter((name) => !old.has(name)),
    changed: [...now.keys()].filter((name) => old.has(name) && !same(old.get(name)!, now.get(name)!)),
    kept: [...now.keys()].filter((name) => old.has(name) && same(old.get(name)!, now.get(name)!)),
  };
}

const when = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

function AuditRow({ entry: e, clusterName }: { entry: AuditItem; clusterName?: string }) {
  const [open, setOpen] = useState(false);
  const policies = recorded(e.before) || recorded(e.after);
  const expandable = hasValue(e.details) || policies;
  const summary = describe(e);
  return (
    <>
      <tr className={open ? 'open' : undefined} data-testid="audit-row" data-action={e.action}>
        <td className="nowrap" title={e.at}>
          {when.format(new Date(e.at))}
        </td>
        <td className="nowrap">{personName(e.actor)}</td>
        <td>
          <Badge tone={toneOf(e.action)}>{e.action}</Badge>
        </td>
        <td className="nowrap">
          {clusterName ?? (e.clusterId ? <span className="muted mono">{e.clusterId.slice(0, 8)}</span> : <span className="muted">—</span>)}
        </td>
        <td>
          <span className="mono">{e.target ?? ''}</span>
          {summary && <div className="small muted audit-summary">{summary}</div>}
        </td>
        <td className="actions-col">
          {expandable && (
            <button type="button" className="linklike" aria-expanded={open} onClick={() => setOpen(!open)}>
              {open ? 'Hide' : policies ? 'Policies' : 'Details'}
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr className="audit-detail">
          <td colSpan={6}>
            {policies && recorded(e.before) && recorded(e.after) && <PolicyDifference before={e.before} after={e.after} />}
            {policies && (
              <div className="before-after">
                <div>
                  <h3>Before</h3>
                  <pre className="code">{policiesText(e.before)}</pre>
                </div>
                <div>
                  <h3>After</h3>
                  <pre className="code">{policiesText(e.after)}</pre>
                </div>
              </div>
            )}
            {hasValue(e.details) && (
              <div>
                <h3>Details</h3>
                <pre className="code">{toYaml(e.details)}</pre>
              </div>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

/** The change as a list, policy by policy, with the YAML of what was removed, added or changed. */
function PolicyDifference({ before, after }: { before: unknown; after: unknown }) {
  const difference = policyDifference(before, after);
  const byName = (list: unknown, names: string[]) => policyList(list).filter((p) => names.includes(nameOf(p)));
  const rows: Array<[string, string[], unknown]> = [
    ['Removed', difference.removed, byName(before, difference.removed)],
    ['Added', difference.added, byName(after, difference.added)],
    ['Changed (now)', difference.changed, byName(after, difference.changed)],
  ];
  return (
    <div data-testid="policy-difference">
      <h3>Difference</h3>
      {rows
        .filter(([, names]) => names.length > 0)
        .map(([label, names, policies]) => (
          <details key={label} open>
            <summary>
              {label}: {names.join(', ')}
            </summary>
            <pre className="code">{toYaml(policies)}</pre>
          </details>
        ))}
      {difference.kept.length > 0 && <p className="small muted">Unchanged: {difference.kept.join(', ')}</p>}
      {rows.every(([, names]) => names.length === 0) && <p className="small muted">No policy changed.</p>}
    </div>
  );
}

/** A few words for the entries people look for most. */
function describe(e: AuditItem): string {
  const d = e.details ?? {};
  const parts: string[] = [];
  if (typeof d.comment === 'string') parts.push(`“${d.comment}”`);
  if (typeof d.reason === 'string') parts.push(`“${d.reason}”`);
  if (typeof d.tier === 'string' && !e.target?.includes(d.tier)) parts.push(d.tier);
  if (Array.isArray(e.before) || Array.isArray(e.after)) {
    const n = (v: unknown) => (Array.isArray(v) ? v.length : '?');
    const { removed, added } = policyDifference(e.before, e.after);
    parts.push(
      `${n(e.before)} → ${n(e.after)} policies` +
        (removed.length ? ` · removed ${removed.join(', ')}` : '') +
        (added.length ? ` · added ${added.join(', ')}` : ''),
    );
  }
  return parts.join(' · ');
}
