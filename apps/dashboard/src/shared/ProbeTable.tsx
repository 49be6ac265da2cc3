import type { Probe, StepEvidence } from '@bulkhead/contracts';
import { OUTCOME_TONE, OUTCOME_WORDS, PROBE_KIND_WORDS, probeTarget } from './rollout-words';
import { Badge } from './ui';

/** One probe as a table row reads it, whether it comes from a rollout step or from approval evidence. */
export interface ProbeRow {
  id: string;
  kind: Probe['kind'];
  from: string;
  to: string;
  port?: number;
  protocol?: string;
  attempts: number;
  outcome?: Probe['outcome'];
  detail?: string;
  reason?: string;
}

/** A rollout step's probes, with the last attempt's observation as the detail. */
export function rowsOfProbes(probes: Probe[]): ProbeRow[] {
  return probes.map((p) => {
    const last = p.attempts[p.attempts.length - 1];
    return {
      ...p,
      attempts: p.attempts.length,
      detail: last ? `${last.observed.replace('_', ' ')}${last.detail ? `: ${last.detail}` : ''}` : undefined,
    };
  });
}

export const rowsOfEvidence = (probes: StepEvidence['probes']): ProbeRow[] => probes;

export function ProbeTable({ rows, testId }: { rows: ProbeRow[]; testId?: string }) {
  return (
    <table className="table probes" data-testid={testId}>
      <thead>
        <tr>
          <th>Kind</th>
          <th>From → to</th>
          <th className="num">Attempts</th>
          <th>Outcome</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.id}>
            <td className="nowrap">{PROBE_KIND_WORDS[p.kind] ?? p.kind}</td>
            <td className="mono">
              {p.from} <span className="arrow-sep">→</span> {probeTarget(p)}
              {p.reason && <div className="muted small">{p.reason}</div>}
            </td>
            <td className="num">{p.attempts}</td>
            <td>
              {p.outcome ? (
                <Badge tone={OUTCOME_TONE[p.outcome]}>{OUTCOME_WORDS[p.outcome]}</Badge>
              ) : (
                <span className="muted">{p.attempts ? 'retrying' : 'waiting'}</span>
              )}
            </td>
            <td className="small">{p.detail ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
