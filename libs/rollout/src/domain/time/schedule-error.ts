/** A schedule that cannot be read, naming the part at fault ("hour", "BYDAY", "DTSTART", ...). */
export interface ScheduleError {
  /** The field (cron) or rule part (RRULE) at fault. */
  part: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ScheduleError };

export function fail<T>(part: string, message: string): ParseResult<T> {
  return { ok: false, error: { part, message } };
}

/** Thrown only when a schedule that should have been validated at creation turns out to be invalid. */
export class InvalidScheduleError extends Error {
  constructor(
    readonly part: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidScheduleError';
  }
}
