import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/**
 * Structured JSON logs through pino, one object per line:
 * `{"level":"info","time":"2026-12-07T05:00:00.000Z","service":"api",...fields,"msg":"request"}`.
 * Fields whose names look like secrets are masked before anything is written, so a token or a
 * kubeconfig passed by mistake never reaches the log.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Keys whose values never reach the log, at any depth: API tokens, passwords, kubeconfigs, webhook secrets, Authorization and Cookie headers. */
const SECRET_KEY = /token|password|secret|kubeconfig|authorization|cookie|credential/i;
export const REDACTED = '[redacted]';
/** Objects nested deeper than this are not searched for secrets, so they are not written either. */
const MASKED_DEPTH = 5;
export const TOO_DEEP = '[nested too deep]';

/** The value with every secret-named field masked and errors spelled out; the value itself when there is nothing to change. */
function masked(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MASKED_DEPTH) return TOO_DEEP;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((item) => masked(item, depth + 1));
  return maskedFields(value as LogFields, depth);
}

function maskedFields(fields: LogFields, depth: number): LogFields {
  let copy: LogFields | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    const safe = SECRET_KEY.test(key) ? REDACTED : masked(value, depth + 1);
    if (safe !== value) (copy ??= { ...fields })[key] = safe;
  }
  return copy ?? fields;
}

/**
 * A logger at `level` (LOG_LEVEL) with `base` on every line. Lines go to `write` when given (tests
 * read them), else to stdout through pino's synchronous destination: a write costs a system call,
 * never a buffer that a crash would lose or that grows without bound under load.
 */
export function createLogger(level: LogLevel | 'silent', base: LogFields = {}, write?: (line: string) => void): Logger {
  const destination: DestinationStream = write ? { write } : pino.destination({ dest: 1, sync: true });
  return over(
    pino(
      {
        level,
        base: maskedFields(base, 0),
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: {
          level: (label) => ({ level: label }),
          log: (fields) => maskedFields(fields, 0),
        },
      },
      destination,
    ),
  );
}

function over(log: PinoLogger): Logger {
  return {
    debug: (msg, fields) => log.debug(fields ?? {}, msg),
    info: (msg, fields) => log.info(fields ?? {}, msg),
    warn: (msg, fields) => log.warn(fields ?? {}, msg),
    error: (msg, fields) => log.error(fields ?? {}, msg),
    // pino formats a child's bindings once, here, and no formatter of its own sees them.
    child: (fields) => over(log.child(maskedFields(fields, 0))),
  };
}
