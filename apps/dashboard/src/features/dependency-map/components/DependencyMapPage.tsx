import { useEffect, useMemo, useRef, useState } from 'react';
import { useAuth } from '../../../app/auth';
import { rememberCluster } from '../../../app/last-cluster';
import { Link, setQuery, useLocation } from '../../../app/router';
import { plural } from '../../../shared/format';
import { ClusterPicker } from '../../../shared/ClusterPicker';
import { Empty, ErrorNote, Loading, PageHeader } from '../../../shared/ui';
import { useEveryBlockedAttempt, useMap } from '../api';
import { drawn, fanOutSources, filterBlocked, filterEdges, isDns, isHealthCheck } from '../filters';
import { useMapFilters } from '../hooks/use-map-filters';
import { layoutMap, type MapLink } from '../layout';
import { AddEdgeForm } from './AddEdgeForm';
import { BlockedAttemptTable } from './BlockedAttemptTable';
import { EdgeTable } from './EdgeTable';
import { MapGraph } from './MapGraph';
import '../dependency-map.css';

/**
 * What talks to what in one cluster: the drawing, then the evidence, and the review of each dependency; apart
 * from them, the blocked attempts (refused flows), each for a person to declare if it is wanted.
 */
export function DependencyMapPage({ clusterId }: { clusterId: string }) {
  const { can } = useAuth();
  const map = useMap(clusterId);
  const [filters, setFilters] = useMapFilters();
  const list = useLocation().query.get('list') === 'blocked' ? 'blocked' : 'dependencies';
  const everyBlocked = useEveryBlockedAttempt(clusterId, filters.showBlocked);
  const [focus, setFocus] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const tableRef = useRef<HTMLDivElement>(null);

  useEffect(() => rememberCluster(clusterId), [clusterId]);

  const d = map.data;
  const allEdges = useMemo(() => d?.edges ?? [], [d]);
  const visible = useMemo(() => filterEdges(allEdges, { ...filters, focus: null }), [allEdges, filters]);
  const tableEdges = useMemo(() => (focus ? visible.filter((e) => e.fromKey === focus || e.toKey === focus) : visible), [visible, focus]);
  const hubs = useMemo(() => fanOutSources(allEdges), [allEdges]);
  // The tab counts what its table lists: the namespace, the search and the focus narrow it; the drawing's
  // review and cross-tier switches do not.
  const blockedListed = useMemo(
    () => everyBlocked.data && filterBlocked(everyBlocked.data, { ...filters, crossTierOnly: false, review: 'all', focus }),
    [everyBlocked.data, filters, focus],
  );
  const blockedDrawn = useMemo(
    () =>
      filters.showBlocked ? filterBlocked(everyBlocked.data ?? [], { ...filters, focus: null }).filter((b) => drawn(b, filters, hubs)) : [],
    [everyBlocked.data, filters, hubs],
  );
  const layout = useMemo(() => {
    if (!d) return null;
    const narrowed = filters.search.trim() !== '' || filters.crossTierOnly || filters.review !== 'all';
    const workloads = narrowed ? [] : filters.namespace ? d.workloads.filter((w) => w.namespace === filters.namespace) : d.workloads;
    return layoutMap({
      edges: visible.filter((e) => drawn(e, filters, hubs)),
      blocked: blockedDrawn,
      workloads,
      namespaces: d.namespaces,
      includeIdle: !narrowed,
    });
  }, [d, visible, blockedDrawn, filters, hubs]);
  const highlight = useMemo(() => {
    const q = filters.search.trim().toLowerCase();
    if (!q || !layout) return new Set<string>();
    return new Set(layout.nodes.filter((n) => `${n.sublabel}/${n.label}`.toLowerCase().includes(q)).map((n) => n.key));
  }, [layout, filters.search]);

  if (!d && map.error === null) return <Loading what="the dependency map" />;
  if (!d)
    return (
      <div className="page">
        <ErrorNote error={map.error} title="The dependency map could not be loaded." onRetry={map.retry} />
        <p>
          <Link to="/">Back to the overview</Link>
        </p>
      </div>
    );

  const crossTier = allEdges.filter((e) => e.crossTier && e.review !== 'rejected');
  const hiddenChecks = visible.filter((e) => !filters.showHealthChecks && isHealthCheck(e)).length;
  const hiddenDns = visible.filter((e) => !filters.showDns && isDns(e)).length;
  const hiddenFanOut = visible.filter((e) => !filters.showFanOut && hubs.has(e.fromKey) && !isHealthCheck(e) && !isDns(e)).length;
  const hubNames = [...hubs].map((k) => k.replace(/^workload:/, '')).join(', ');
  const tiers = (['prod', 'staging', 'dev'] as const).map((t) => ({
    tier: t,
    names: d.namespaces.filter((n) => n.tier === t).map((n) => n.name),
  }));
  const untiered = d.namespaces.filter((n) => !n.tier).map((n) => n.name);

  const showList = (shown: 'dependencies' | 'blocked') => setQuery({ list: shown === 'blocked' ? 'blocked' : null });
  const pickLink = (link: MapLink) => {
    showList('dependencies');
    setSelected(new Set(link.edges.map((e) => e.id)));
    setFocus(null);
    const [firstEdge] = link.edges;
    if (!firstEdge) return;
    window.requestAnimationFrame(() =>
      tableRef.current?.querySelector(`[data-edge-id="${firstEdge.id}"]`)?.scrollIntoView({ block: 'center', behavior: 'smooth' }),
    );
  };
  const pickBlocked = () => {
    showList('blocked');
    window.requestAnimationFrame(() => tableRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' }));
  };

  const endpoints = [
    ...new Set([...d.workloads.map((w) => `${w.namespace}/${w.name}`), ...allEdges.flatMap((e) => [e.from, e.to])]),
  ].sort();
  // The imports the map is built from: finished ones, not failed, each content once.
  const sourceImports = d.imports.filter((i) => i.status === 'succeeded' && i.duplicateOf === null).length;

  return (
    <div className="page page-wide">
      <PageHeader
        title={
          <>
            Dependency map <ClusterPicker current={clusterId} to={(id) => `/clusters/${id}/map`} />
          </>
        }
        subtitle={`${plural(allEdges.length, 'dependency', 'dependencies')} between ${plural(d.workloads.length, 'workload')} in ${plural(d.namespaces.length, 'namespace')}, from ${plural(sourceImports, 'flow import')}${allEdges.some((e) => e.origin !== 'observed') ? ' and declarations' : ''}.`}
        actions={
          can('map.declare') && (
            <button type="button" className="btn btn-primary" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
              Declare dependency
            </button>
          )
        }
      />

      {crossTier.length > 0 && (
        <div className="note note-error incident" role="note">
          <div>
            <strong>{plural(crossTier.length, 'cross-tier dependency', 'cross-tier dependencies')}:</strong>{' '}
            {crossTier.slice(0, 3).map((e, i) => (
              <span key={e.id}>
                {i > 0 && ', '}
                <span className="mono">{e.from}</span> → <span className="mono">{e.to}</span> :{e.port}
              </span>
            ))}
            {crossTier.length > 3 && ` and ${crossTier.length - 3} more`}. A lower tier reaching another tier is usually an accident: review
            it before a plan turns it into an allowed path.
          </div>
          {!filters.crossTierOnly && (
            <button type="button" className="btn btn-small" onClick={() => setFilters({ crossTierOnly: true, namespace: '' })}>
              Show only these
            </button>
          )}
        </div>
      )}

      {adding && (
        <AddEdgeForm
          clusterId={clusterId}
          endpoints={endpoints}
          onClose={() => setAdding(false)}
          onAdded={(edge) => {
            setAdding(false);
            setNotice(`Declared ${edge.from} → ${edge.to} :${edge.port}/${edge.protocol}.`);
          }}
        />
      )}

      <div className="toolbar" role="search">
        <label className="toolbar-item">
          <span className="toolbar-label">Namespace</span>
          <select
            value={filters.namespace}
            onChange={(e) => (setFocus(null), setFilters({ namespace: e.target.value }))}
            aria-label="Namespace"
          >
            <option value="">All namespaces</option>
            {tiers.map(({ tier, names }) =>
              names.length ? (
                <optgroup key={tier} label={tier}>
                  {names.map((n) => (
                    <option key={n}>{n}</option>
                  ))}
                </optgroup>
              ) : null,
            )}
            {untiered.length > 0 && (
              <optgroup label="no tier">
                {untiered.map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <label className="toolbar-item toolbar-grow">
          <span className="toolbar-label">Search</span>
          <input
            type="search"
            value={filters.search}
            onChange={(e) => setFilters({ search: e.target.value })}
            placeholder="workload, namespace, address or port"
            aria-label="Search dependencies"
          />
        </label>
        <label className="toolbar-item">
          <span className="toolbar-label">Review</span>
          <select
            value={filters.review}
            onChange={(e) => setFilters({ review: e.target.value as typeof filters.review })}
            aria-label="Review state"
          >
            <option value="all">Any state</option>
            <option value="unreviewed">Unreviewed</option>
            <option value="confirmed">Confirmed</option>
            <option value="rejected">Rejected</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={filters.crossTierOnly} onChange={(e) => setFilters({ crossTierOnly: e.target.checked })} />{' '}
          Cross-tier only
        </label>
      </div>

      <section className="card map-card" aria-label="Dependency graph">
        <div className="legend">
          <span className="legend-item">
            <svg width="26" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="26" y2="4" className="link link-observed" />
            </svg>
            observed
          </span>
          <span className="legend-item">
            <svg width="26" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="26" y2="4" className="link link-confirmed" />
            </svg>
            confirmed
          </span>
          <span className="legend-item">
            <svg width="26" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="26" y2="4" className="link link-manual" />
            </svg>
            declared by hand
          </span>
          <span className="legend-item">
            <svg width="26" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="26" y2="4" className="link link-rejected" />
            </svg>
            rejected
          </span>
          <span className="legend-item legend-bad">
            <svg width="26" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="26" y2="4" className="link link-cross-tier" />
            </svg>
            cross-tier
          </span>
          {filters.showBlocked && (
            <span className="legend-item legend-blocked">
              <svg width="26" height="8" aria-hidden="true">
                <line x1="0" y1="4" x2="26" y2="4" className="link link-blocked" />
              </svg>
              blocked attempt, not allowed
            </span>
          )}
          <span className="legend-spacer" />
          <span className="legend-draw">
            Also draw
            <label className="check" title="Kubelet probes from the node (reserved:host) reach nearly every pod">
              <input
                type="checkbox"
                checked={filters.showHealthChecks}
                onChange={(e) => setFilters({ showHealthChecks: e.target.checked })}
              />{' '}
              health checks{hiddenChecks > 0 && ` (${hiddenChecks})`}
            </label>
            <label className="check" title="Every pod asks the cluster DNS on port 53">
              <input type="checkbox" checked={filters.showDns} onChange={(e) => setFilters({ showDns: e.target.checked })} /> DNS
              {hiddenDns > 0 && ` (${hiddenDns})`}
            </label>
            {hubs.size > 0 && (
              <label
                className="check"
                title={`Sources that reach ${hubs.size === 1 ? 'almost everything' : 'almost everything'}: ${hubNames}`}
              >
                <input type="checkbox" checked={filters.showFanOut} onChange={(e) => setFilters({ showFanOut: e.target.checked })} />{' '}
                scrapers{hiddenFanOut > 0 && ` (${hiddenFanOut})`}
              </label>
            )}
            <label className="check" title="Flows a policy refused: dashed red lines, never allowed edges">
              <input type="checkbox" checked={filters.showBlocked} onChange={(e) => setFilters({ showBlocked: e.target.checked })} />{' '}
              blocked attempts
              {everyBlocked.isError && ' (could not be loaded)'}
            </label>
          </span>
          {focus && (
            <button type="button" className="chip" onClick={() => setFocus(null)} aria-label="Clear the focus">
              Focused on {focus.replace(/^workload:/, '')} ✕
            </button>
          )}
        </div>
        {layout && layout.nodes.length > 0 ? (
          <div className="map-scroll">
            <MapGraph
              layout={layout}
              focus={focus}
              onFocus={setFocus}
              highlight={highlight}
              onPickLink={pickLink}
              onPickBlocked={pickBlocked}
            />
          </div>
        ) : (
          <Empty title="Nothing to draw">
            No dependency matches these filters. {sourceImports === 0 && 'Import flows to build the map.'}
          </Empty>
        )}
        <p className="map-hint muted small">
          Columns read left to right, caller to callee. Hover a workload to see its dependencies; click it to list only those below; click a
          line to find it in the table. The table lists every dependency, drawn or not; refused flows are listed apart, under Blocked
          attempts.
        </p>
      </section>

      <section className="card" aria-label="Dependencies and blocked attempts" ref={tableRef}>
        <div className="card-head">
          <div className="tabs" role="tablist" aria-label="Lists of the map">
            <button
              type="button"
              role="tab"
              aria-selected={list === 'dependencies'}
              className={`tab${list === 'dependencies' ? ' active' : ''}`}
              onClick={() => showList('dependencies')}
            >
              Dependencies
              <span className="tab-count">
                {tableEdges.length === allEdges.length ? allEdges.length : `${tableEdges.length} of ${allEdges.length}`}
              </span>
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={list === 'blocked'}
              className={`tab${list === 'blocked' ? ' active' : ''}`}
              onClick={() => showList('blocked')}
            >
              Blocked attempts
              {everyBlocked.data && blockedListed && (
                <span className="tab-count">
                  {blockedListed.length === everyBlocked.data.length
                    ? everyBlocked.data.length
                    : `${blockedListed.length} of ${everyBlocked.data.length}`}
                </span>
              )}
            </button>
          </div>
          {notice && (
            <span className="saved" role="status">
              {notice}
            </span>
          )}
        </div>
        <div role="tabpanel">
          {list === 'blocked' ? (
            <BlockedAttemptTable
              clusterId={clusterId}
              namespace={filters.namespace}
              search={filters.search}
              focus={focus}
              edges={allEdges}
              imports={d.imports}
              canDeclare={can('map.declare')}
              onDeclared={(edge) =>
                setNotice(`Declared ${edge.from} → ${edge.to} :${edge.port}/${edge.protocol}: it is now a dependency of the map.`)
              }
            />
          ) : allEdges.length === 0 ? (
            <Empty title="No dependency yet">
              The map fills from observed traffic. <Link to={`/clusters/${clusterId}/flow-imports`}>Import flows</Link> (Hubble, Calico flow
              logs or an edge list){can('map.declare') ? ', or declare a dependency by hand.' : '.'}
            </Empty>
          ) : tableEdges.length === 0 ? (
            <Empty title="No dependency matches these filters" />
          ) : (
            <EdgeTable
              clusterId={clusterId}
              edges={tableEdges}
              imports={d.imports}
              canReview={can('map.review')}
              selected={selected}
              onChanged={(edge) => setNotice(`${edge.from} → ${edge.to} :${edge.port} is now ${edge.review}.`)}
            />
          )}
        </div>
      </section>
    </div>
  );
}
