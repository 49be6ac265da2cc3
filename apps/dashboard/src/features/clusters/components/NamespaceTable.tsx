import { type NamespaceView, type Tier, TIERS } from '@bulkhead/contracts';
import { useState } from 'react';
import { describeError } from '../../../api/client';
import { useAuth } from '../../../app/auth';
import { Link } from '../../../app/router';
import { plural } from '../../../shared/format';
import { Badge, type Tone, ErrorNote, Loading } from '../../../shared/ui';
import { useNamespaces } from '../../dependency-map/api';
import { type TierChanges, useSetTiers } from '../api';

const PROTECTION: Record<NamespaceView['protection'], { label: string; tone: Tone }> = {
  verified: { label: 'under a verified plan', tone: 'good' },
  partial: { label: 'partly protected', tone: 'warn' },
  unprotected: { label: 'unprotected', tone: 'bad' },
};

const TIER_SOURCE: Record<NamespaceView['tierSource'], string> = {
  label: 'from a label',
  manual: 'set by a person',
  none: '',
};

/** The value of the tier picker that means "no tier of its own: follow the labels". */
const FROM_LABELS = '';

/** A cluster's namespaces: labels, tier and where it came from, protection; the tier set on one, or on several ticked at once. */
export function NamespaceTable({ clusterId }: { clusterId: string }) {
  const { can } = useAuth();
  const namespaces = useNamespaces(clusterId);
  const setTiers = useSetTiers(clusterId);
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  const [bulkTier, setBulkTier] = useState<string>('prod');
  const [outcome, setOutcome] = useState<TierChanges | null>(null);
  const mayChange = can('namespaces.tier');
  const list = namespaces.data ? [...namespaces.data].sort((a, b) => a.name.localeCompare(b.name)) : [];

  const apply = (names: string[], tier: string) =>
    setTiers.mutate(
      { namespaces: names, tier: tier === FROM_LABELS ? null : (tier as Tier) },
      {
        onSuccess: (changes) => {
          setOutcome(changes);
          setTicked(new Set(changes.refused.map((r) => r.namespace)));
        },
      },
    );
  const tick = (name: string, on: boolean) =>
    setTicked((before) => {
      const after = new Set(before);
      if (on) after.add(name);
      else after.delete(name);
      return after;
    });

  return (
    <section className="card card-flush" aria-labelledby="namespaces-title">
      <div className="card-head">
        <h2 id="namespaces-title">Namespaces {namespaces.data && <span className="muted">{namespaces.data.length}</span>}</h2>
        {mayChange && list.length > 0 && (
          <div className="bulk-tier" role="group" aria-label="Set the tier of the ticked namespaces">
            <span className="muted small">{plural(ticked.size, 'namespace')} ticked</span>
            <select value={bulkTier} onChange={(e) => setBulkTier(e.target.value)} aria-label="Tier for the ticked namespaces">
              <TierOptions />
            </select>
            <button
              type="button"
              className="btn btn-small btn-primary"
              disabled={ticked.size === 0 || setTiers.isPending}
              onClick={() => apply([...ticked], bulkTier)}
            >
              {setTiers.isPending ? 'Setting…' : 'Set tier of ticked'}
            </button>
          </div>
        )}
      </div>
      {outcome && <TierOutcome changes={outcome} />}
      {setTiers.error !== null && <ErrorNote error={setTiers.error} title="The tiers were not set." />}
      {namespaces.isPending && <Loading what="namespaces" />}
      {namespaces.isError && (
        <ErrorNote error={namespaces.error} title="The namespaces could not be loaded." onRetry={() => void namespaces.refetch()} />
      )}
      {namespaces.isSuccess && list.length === 0 && <p className="muted pad">No namespace yet: import an inventory first.</p>}
      {list.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="namespace-table">
            <thead>
              <tr>
                {mayChange && (
                  <th>
                    <input
                      type="checkbox"
                      aria-label="Tick every namespace"
                      checked={ticked.size === list.length}
                      onChange={(e) => setTicked(new Set(e.target.checked ? list.map((ns) => ns.name) : []))}
                    />
                  </th>
                )}
                <th>Namespace</th>
                <th>Labels</th>
                <th>Tier</th>
                <th>Protection</th>
              </tr>
            </thead>
            <tbody>
              {list.map((ns) => (
                <tr key={ns.name} data-namespace={ns.name} data-tier={ns.tier ?? ''}>
                  {mayChange && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Tick ${ns.name}`}
                        checked={ticked.has(ns.name)}
                        onChange={(e) => tick(ns.name, e.target.checked)}
                      />
                    </td>
                  )}
                  <td>
                    <Link to={`/clusters/${clusterId}/map?namespace=${encodeURIComponent(ns.name)}`} className="mono">
                      {ns.name}
                    </Link>
                  </td>
                  <td className="labels">
                    {Object.entries(ns.labels).map(([key, value]) => (
                      <code key={key} className="label-chip">
                        {key}={value}
                      </code>
                    ))}
                  </td>
                  <td className="nowrap">
                    {mayChange ? (
                      <select
                        value={ns.tierSource === 'manual' ? (ns.tier ?? FROM_LABELS) : FROM_LABELS}
                        onChange={(e) => apply([ns.name], e.target.value)}
                        disabled={setTiers.isPending}
                        aria-label={`Tier of ${ns.name}`}
                      >
                        <TierOptions fromLabels={ns.tierSource === 'label' ? ns.tier : null} />
                      </select>
                    ) : (
                      (ns.tier ?? 'none')
                    )}{' '}
                    <span className="muted small" data-testid="tier-source">
                      {TIER_SOURCE[ns.tierSource]}
                    </span>
                  </td>
                  <td>
                    <Badge tone={PROTECTION[ns.protection].tone} title={plural(ns.counts.policies, 'NetworkPolicy', 'NetworkPolicies')}>
                      {PROTECTION[ns.protection].label}
                    </Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The tiers, and "from labels" (what the labels say, when they say something). */
function TierOptions({ fromLabels = null }: { fromLabels?: Tier | null }) {
  return (
    <>
      <option value={FROM_LABELS}>{fromLabels ? `${fromLabels} (labels)` : 'from labels'}</option>
      {TIERS.map((tier) => (
        <option key={tier} value={tier}>
          {tier}
        </option>
      ))}
    </>
  );
}

function TierOutcome({ changes }: { changes: TierChanges }) {
  return (
    <div className="pad stack-small" data-testid="tier-outcome">
      {changes.changed.length > 0 && (
        <div className="saved" role="status">
          Set: {changes.changed.map((ns) => `${ns.name} → ${ns.tier ?? 'none'}`).join(', ')}.
        </div>
      )}
      {changes.refused.map(({ namespace, error }) => (
        <div key={namespace} className="field-problem" role="alert">
          {namespace}: {describeError(error)}
        </div>
      ))}
    </div>
  );
}
