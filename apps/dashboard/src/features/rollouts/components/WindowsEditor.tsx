import { type PreviewWindowsBody, type Tier, TIERS, type WindowPreview } from '@bulkhead/contracts';
import { ApiError, describeError } from '../../../api/client';
import { formatDate } from '../../../shared/format';
import { Field } from '../../../shared/ui';
import { useWindowPreview } from '../api';

type Config = NonNullable<PreviewWindowsBody['config']>;

/** A maintenance window as the form holds it: text as typed, turned into a window only when sent. */
export interface WindowDraft {
  kind: 'cron' | 'rrule';
  /** the cron expression or the RFC 5545 text, by kind */
  schedule: string;
  durationMinutes: string;
  timeZone: string;
}

/** A freeze as the form holds it: one span from `start` (an instant with its offset), for some tiers (none ticked: all). */
export interface FreezeDraft {
  start: string;
  durationMinutes: string;
  timeZone: string;
  reason: string;
  tiers: Tier[];
}

export interface ScheduleDraft {
  windows: Record<Tier, WindowDraft[]>;
  freezes: FreezeDraft[];
}

export const EMPTY_SCHEDULE: ScheduleDraft = { windows: { dev: [], staging: [], prod: [] }, freezes: [] };

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The coming midnight in the browser's zone, as an instant with its offset: where a new freeze starts until edited. */
function nextMidnight(): string {
  const midnight = new Date();
  midnight.setHours(24, 0, 0, 0);
  const offset = -midnight.getTimezoneOffset();
  const two = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const date = `${midnight.getFullYear()}-${two(midnight.getMonth() + 1)}-${two(midnight.getDate())}`;
  return `${date}T00:00:00${offset < 0 ? '-' : '+'}${two(offset / 60)}:${two(offset % 60)}`;
}

const SCHEDULE_HINTS: Record<WindowDraft['kind'], string> = {
  cron: 'minute hour day month weekday, e.g. 0 2 * * MON-FRI',
  rrule: 'DTSTART;TZID=Europe/Berlin:20260105T020000 then RRULE:FREQ=WEEKLY;BYDAY=MO,TH (EXDATE lines too)',
};

/** The windows and freezes of the draft as a rollout's config; empty parts left out. */
export function configOfSchedule(draft: ScheduleDraft): Pick<Config, 'windows' | 'freezes'> {
  const windows = Object.fromEntries(
    TIERS.filter((tier) => draft.windows[tier].length > 0).map((tier) => [
      tier,
      draft.windows[tier].map((w) => {
        const base = { durationMinutes: Number(w.durationMinutes), timeZone: w.timeZone };
        return w.kind === 'cron'
          ? { kind: 'cron' as const, expression: w.schedule, ...base }
          : { kind: 'rrule' as const, rule: w.schedule, ...base };
      }),
    ]),
  );
  const freezes = draft.freezes.map((f) => ({
    kind: 'once' as const,
    start: f.start,
    durationMinutes: Number(f.durationMinutes),
    timeZone: f.timeZone,
    ...(f.reason ? { reason: f.reason } : {}),
    ...(f.tiers.length > 0 ? { tiers: f.tiers } : {}),
  }));
  return {
    ...(Object.keys(windows).length > 0 ? { windows } : {}),
    ...(freezes.length > 0 ? { freezes } : {}),
  };
}

/**
 * The problem an answer names for one input of a window or freeze (`config.windows.prod[0]` and its part).
 * A schedule's refusal names the part of the text at fault (`hour`, `BYDAY`, `DTSTART`...): it goes with the text.
 */
function problemAt(errors: readonly unknown[], at: string, input: string, otherInputs: readonly string[]): string | undefined {
  for (const error of errors) {
    if (!(error instanceof ApiError)) continue;
    for (const p of error.problems) {
      const field = p.field.replace(/^body\./, '');
      if (!field.startsWith(`${at}.`)) continue;
      const part = field.slice(at.length + 1);
      if (part === input || (input === 'schedule' && !otherInputs.includes(part))) return p.reason;
    }
  }
  return undefined;
}

/**
 * Maintenance windows per tier and freezes, edited on the new-rollout form, with the next three openings
 * of each tier previewed as they are typed. A field's problem comes from the preview's answer or from
 * `createError`, the refusal of the rollout's creation.
 */
export function WindowsEditor({
  draft,
  onChange,
  createError,
}: {
  draft: ScheduleDraft;
  onChange(next: ScheduleDraft): void;
  createError: unknown;
}) {
  const config = configOfSchedule(draft);
  const preview = useWindowPreview(config.windows || config.freezes ? config : null);
  const errors = [preview.error, createError];
  const windowProblem = (tier: Tier, i: number, input: string) =>
    problemAt(errors, `config.windows.${tier}[${i}]`, input, ['durationMinutes', 'timeZone']);
  const freezeProblem = (i: number, input: string) =>
    problemAt(errors, `config.freezes[${i}]`, input, ['durationMinutes', 'timeZone', 'reason', 'tiers', 'start']);

  const editWindow = (tier: Tier, i: number, change: Partial<WindowDraft>) =>
    onChange({ ...draft, windows: { ...draft.windows, [tier]: draft.windows[tier].map((w, j) => (j === i ? { ...w, ...change } : w)) } });
  const addWindow = (tier: Tier) =>
    onChange({
      ...draft,
      windows: {
        ...draft.windows,
        [tier]: [...draft.windows[tier], { kind: 'cron', schedule: '', durationMinutes: '120', timeZone: browserZone() }],
      },
    });
  const removeWindow = (tier: Tier, i: number) =>
    onChange({ ...draft, windows: { ...draft.windows, [tier]: draft.windows[tier].filter((_, j) => j !== i) } });
  const editFreeze = (i: number, change: Partial<FreezeDraft>) =>
    onChange({ ...draft, freezes: draft.freezes.map((f, j) => (j === i ? { ...f, ...change } : f)) });
  const addFreeze = () =>
    onChange({
      ...draft,
      freezes: [...draft.freezes, { start: nextMidnight(), durationMinutes: '1440', timeZone: browserZone(), reason: '', tiers: [] }],
    });

  return (
    <fieldset className="windows-editor">
      <legend>Maintenance windows and freezes</legend>
      <p className="muted small">
        A tier without windows may change at any time. Waves start only while a window of their tier is open and no freeze is.
      </p>
      {TIERS.map((tier) => (
        <section key={tier} className="windows-tier" aria-label={`${tier} windows`}>
          <div className="windows-tier-head">
            <h3>{tier}</h3>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => addWindow(tier)}>
              Add a {tier} window
            </button>
          </div>
          {draft.windows[tier].map((w, i) => {
            const id = `ro-win-${tier}-${i}`;
            return (
              <div key={i} className="window-row">
                <Field label="Kind" htmlFor={`${id}-kind`}>
                  <select
                    id={`${id}-kind`}
                    value={w.kind}
                    onChange={(e) => editWindow(tier, i, { kind: e.target.value as WindowDraft['kind'] })}
                  >
                    <option value="cron">cron</option>
                    <option value="rrule">RRULE</option>
                  </select>
                </Field>
                <Field
                  label={w.kind === 'cron' ? 'Cron expression' : 'RRULE (RFC 5545)'}
                  htmlFor={`${id}-schedule`}
                  problem={windowProblem(tier, i, 'schedule')}
                  hint={SCHEDULE_HINTS[w.kind]}
                >
                  {w.kind === 'cron' ? (
                    <input id={`${id}-schedule`} value={w.schedule} onChange={(e) => editWindow(tier, i, { schedule: e.target.value })} />
                  ) : (
                    <textarea
                      id={`${id}-schedule`}
                      rows={3}
                      value={w.schedule}
                      onChange={(e) => editWindow(tier, i, { schedule: e.target.value })}
                    />
                  )}
                </Field>
                <Field label="Duration (min)" htmlFor={`${id}-duration`} problem={windowProblem(tier, i, 'durationMinutes')}>
                  <input
                    id={`${id}-duration`}
                    inputMode="numeric"
                    value={w.durationMinutes}
                    onChange={(e) => editWindow(tier, i, { durationMinutes: e.target.value })}
                  />
                </Field>
                <Field label="Time zone" htmlFor={`${id}-zone`} problem={windowProblem(tier, i, 'timeZone')}>
                  <input id={`${id}-zone`} value={w.timeZone} onChange={(e) => editWindow(tier, i, { timeZone: e.target.value })} />
                </Field>
                <button
                  type="button"
                  className="btn btn-ghost btn-small"
                  onClick={() => removeWindow(tier, i)}
                  aria-label={`Remove ${tier} window ${i + 1}`}
                >
                  Remove
                </button>
              </div>
            );
          })}
          <Openings tier={tier} preview={preview.data} asking={preview.isFetching} hasWindows={draft.windows[tier].length > 0} />
        </section>
      ))}
      <section className="windows-tier" aria-label="freezes">
        <div className="windows-tier-head">
          <h3>Freezes</h3>
          <button type="button" className="btn btn-ghost btn-small" onClick={addFreeze}>
            Add a freeze
          </button>
        </div>
        {draft.freezes.map((f, i) => {
          const id = `ro-freeze-${i}`;
          return (
            <div key={i} className="window-row freeze-row">
              <Field
                label="Start"
                htmlFor={`${id}-start`}
                problem={freezeProblem(i, 'start')}
                hint="with its offset, e.g. 2026-12-20T00:00:00+01:00"
              >
                <input id={`${id}-start`} value={f.start} onChange={(e) => editFreeze(i, { start: e.target.value })} />
              </Field>
              <Field label="Duration (min)" htmlFor={`${id}-duration`} problem={freezeProblem(i, 'durationMinutes')}>
                <input
                  id={`${id}-duration`}
                  inputMode="numeric"
                  value={f.durationMinutes}
                  onChange={(e) => editFreeze(i, { durationMinutes: e.target.value })}
                />
              </Field>
              <Field label="Time zone" htmlFor={`${id}-zone`} problem={freezeProblem(i, 'timeZone')}>
                <input id={`${id}-zone`} value={f.timeZone} onChange={(e) => editFreeze(i, { timeZone: e.target.value })} />
              </Field>
              <Field label="Reason" htmlFor={`${id}-reason`} problem={freezeProblem(i, 'reason')}>
                <input id={`${id}-reason`} value={f.reason} onChange={(e) => editFreeze(i, { reason: e.target.value })} />
              </Field>
              <div className="field">
                <span className="small muted">Tiers (none: all)</span>
                <div className="freeze-tiers">
                  {TIERS.map((tier) => (
                    <label key={tier} className="check">
                      <input
                        type="checkbox"
                        checked={f.tiers.includes(tier)}
                        onChange={(e) =>
                          editFreeze(i, { tiers: e.target.checked ? [...f.tiers, tier] : f.tiers.filter((t) => t !== tier) })
                        }
                      />
                      {tier}
                    </label>
                  ))}
                </div>
              </div>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => onChange({ ...draft, freezes: draft.freezes.filter((_, j) => j !== i) })}
                aria-label={`Remove freeze ${i + 1}`}
              >
                Remove
              </button>
            </div>
          );
        })}
      </section>
      {preview.error && !(preview.error instanceof ApiError && preview.error.problems.length > 0) && (
        <p className="field-problem">The openings could not be previewed: {describeError(preview.error)}</p>
      )}
    </fieldset>
  );
}

/** A tier's next openings, in the viewer's time; or why there are none to show. */
function Openings({
  tier,
  preview,
  asking,
  hasWindows,
}: {
  tier: Tier;
  preview: WindowPreview | undefined;
  asking: boolean;
  hasWindows: boolean;
}) {
  const openings = preview?.tiers[tier];
  if (!openings) return hasWindows && asking ? <p className="muted small">Next openings: …</p> : null;
  if (!hasWindows && openings.length === 1 && openings[0]?.end === null) return null;
  return (
    <div className="openings">
      <span className="small muted">Next openings (your time):</span>
      {openings.length === 0 ? (
        <p className="small" data-testid={`openings-${tier}`}>
          None within a year: this tier would never start.
        </p>
      ) : (
        <ol className="small" data-testid={`openings-${tier}`}>
          {openings.map((o) => (
            <li key={o.start}>
              {formatDate(o.start)} – {o.end ? formatDate(o.end) : 'no end'}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
