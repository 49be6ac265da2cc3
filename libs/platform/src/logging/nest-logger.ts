import type { LoggerService } from '@nestjs/common';
import type { LogFields, Logger } from './logger';

/**
 * Nest's own messages (its boot, errors it catches outside our filter, @nestjs/terminus) written to
 * our log, masked like any other line. Nest's `log` and `verbose` are its chatter (a line per mapped
 * route): they are debug lines here. Nest passes the context (the class speaking) last, and an error's
 * stack before it.
 */
export class NestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.logger.debug(...entry(message, params));
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.logger.debug(...entry(message, params));
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.logger.debug(...entry(message, params));
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.logger.warn(...entry(message, params));
  }

  error(message: unknown, ...params: unknown[]): void {
    this.logger.error(...entry(message, params));
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.logger.error(...entry(message, params));
  }
}

function entry(message: unknown, params: unknown[]): [string, LogFields] {
  const last = params.at(-1);
  const context = typeof last === 'string' ? last : undefined;
  const details = (context === undefined ? params : params.slice(0, -1)).filter((detail) => detail !== undefined);
  const fields: LogFields = { ...(context ? { context } : {}), ...(details.length ? { details } : {}) };
  if (typeof message === 'string') return [message, fields];
  if (message instanceof Error) return [message.message, { ...fields, error: message }];
  // An object goes through the masking as a field, never stringified into the message.
  return [`${context ?? 'Nest'} logged an object`, { ...fields, logged: message }];
}
