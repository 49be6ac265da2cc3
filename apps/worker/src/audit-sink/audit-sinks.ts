import type { AuditRecord } from '@bulkhead/audit';
import type { AuditSinkTarget } from '@bulkhead/platform';
import { appendFile } from 'node:fs/promises';

/** An outside copy of the audit log. `deliver` resolves once the records are safely there, and throws otherwise. */
export interface AuditSink {
  /** Names the sink's cursor: its path, or its URL without credentials or query. */
  readonly name: string;
  deliver(records: readonly AuditRecord[]): Promise<void>;
}

/** A webhook that has not answered within this long has failed, and the batch is sent again later. */
const WEBHOOK_TIMEOUT_MS = 10_000;

/** One JSON object per entry and line, with its position and hashes: the same for the file and the webhook. */
export const asJsonLines = (records: readonly AuditRecord[]) => records.map((record) => `${JSON.stringify(record)}\n`).join('');

export function openAuditSink(target: AuditSinkTarget): AuditSink {
  if (target.kind === 'file') {
    return { name: `file:${target.path}`, deliver: (records) => appendFile(target.path, asJsonLines(records), { mode: 0o600 }) };
  }
  const url = new URL(target.url);
  return {
    name: `${url.origin}${url.pathname}`,
    async deliver(records) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: asJsonLines(records),
        redirect: 'error',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
    },
  };
}
