/**
 * What a webhook says, built from the audit entry of the change that notifies: the same entry gives the
 * same bytes, so every attempt of a delivery sends one body. Pure.
 */
import { CLUSTER_SCOPE, type NextAction as RolloutAction, rolloutRoutes, type WebhookEvent, type WebhookFormat } from '@bulkhead/contracts';

/** The audit entry a delivery is about, with its cluster's name. */
export interface NotifiedEntry {
  event: WebhookEvent;
  at: Date;
  clusterId: string;
  clusterName: string;
  /** the rollout's id (a rollout's entries and drift checks name it) */
  target: string | null;
  details: Record<string, unknown>;
}

/** The API call that does something about it. */
export interface ApiCall {
  method: 'POST';
  path: string;
  body?: Record<string, unknown>;
}

/** Something the reader can do about it, in words, with its call (a halt's are the rollout's own `nextActions`, each with its call). */
export type NotifiedAction = { action: string; description: string } & ApiCall;

/** The generic JSON document. */
export interface Notification {
  /** the delivery's idempotency key, also sent as X-Bulkhead-Idempotency-Key */
  id: string;
  event: WebhookEvent;
  occurredAt: string;
  cluster: { id: string; name: string };
  /** one sentence, for people */
  summary: string;
  rollout?: { id: string; version: number | null };
  tier?: string;
  halt?: { code: string; message: string };
  /** A stalled rollout: since when it has not moved, and what was under way. */
  stall?: { since: string; reason: string };
  findings?: unknown[];
  nextActions: NotifiedAction[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function rolloutOf(entry: NotifiedEntry): { id: string; version: number | null } {
  const id = text(entry.details.rolloutId) ?? entry.target ?? '';
  return { id, version: typeof entry.details.version === 'number' ? entry.details.version : null };
}

/** The call that takes one of a rollout's next actions (a skip's body also needs the `reason`, a rejected skip's the `comment`: only a person can give them). */
function callOf(rolloutId: string, offered: RolloutAction): ApiCall {
  const post = (route: { path: string }, body: Record<string, unknown>): ApiCall => ({
    method: 'POST',
    path: route.path.replace(':rolloutId', rolloutId),
    body,
  });
  switch (offered.action) {
    case 'declare-dependency':
      return post(rolloutRoutes.declareDependency, { namespace: offered.namespace, probeId: offered.probeId });
    case 'continue':
      return post(rolloutRoutes.continueRollout, { planVersion: offered.planVersion });
    case 'retry':
      return post(rolloutRoutes.retryStep, { namespace: offered.namespace });
    case 'skip':
      return post(rolloutRoutes.skipNamespace, { namespace: offered.namespace });
    case 'approve-skip':
      return post(rolloutRoutes.approveSkip, { namespace: offered.namespace });
    case 'reject-skip':
      return post(rolloutRoutes.rejectSkip, { namespace: offered.namespace });
    case 'rollback':
      return post(rolloutRoutes.rollbackRollout, { scope: { kind: 'all' } });
    case 'abort':
      return post(rolloutRoutes.abortRollout, { restore: 'in_flight' });
  }
}

const withCalls = (rolloutId: string, offered: readonly RolloutAction[]): NotifiedAction[] =>
  offered.map((action) => ({ ...action, ...callOf(rolloutId, action) }));

/**
 * The document about `entry`. `offered`: the rollout's `nextActions` when the document is made (a halt
 * carries them, each with its call; other events ignore them).
 */
export function notificationOf(entry: NotifiedEntry, idempotencyKey: string, offered: readonly RolloutAction[]): Notification {
  const cluster = { id: entry.clusterId, name: entry.clusterName };
  const base = { id: idempotencyKey, event: entry.event, occurredAt: entry.at.toISOString(), cluster };
  const rollout = rolloutOf(entry);
  switch (entry.event) {
    case 'approval.needed': {
      const tier = text(entry.details.tier) ?? 'unknown';
      const decide = (action: 'approve' | 'reject', description: string): NotifiedAction => ({
        action,
        description,
        method: 'POST',
        path: `/api/v1/rollouts/${rollout.id}/${action}`,
        body: { tier },
      });
      return {
        ...base,
        summary: `Rollout ${rollout.id} on ${cluster.name} waits for an approver before its ${tier} stage starts`,
        rollout,
        tier,
        nextActions: [decide('approve', `Let the ${tier} stage start`), decide('reject', `Refuse the ${tier} stage: the rollout halts`)],
      };
    }
    case 'rollout.halted': {
      const halt = { code: text(entry.details.code) ?? 'unknown', message: text(entry.details.message) ?? '' };
      return {
        ...base,
        summary: `Rollout ${rollout.id} on ${cluster.name} halted: ${halt.message || halt.code}`,
        rollout,
        halt,
        nextActions: withCalls(rollout.id, offered),
      };
    }
    case 'rollout.stalled': {
      const stall = { since: text(entry.details.since) ?? '', reason: text(entry.details.reason) ?? '' };
      return {
        ...base,
        summary: `Rollout ${rollout.id} on ${cluster.name} has not moved since ${stall.since}: ${stall.reason}`,
        rollout,
        stall,
        nextActions: [
          {
            action: 'pause-and-resume',
            description: 'Pause, then resume: the workers re-read the rollout and ask for its next step again',
            method: 'POST',
            path: `/api/v1/rollouts/${rollout.id}/pause`,
            body: { reason: 'stalled' },
          },
          ...withCalls(rollout.id, [
            { action: 'rollback', description: 'Put back every namespace the rollout changed, from its snapshots' },
            { action: 'abort', description: 'Stop: put back the namespaces under way and leave the verified ones enforced' },
          ]),
        ],
      };
    }
    case 'rollout.completed':
      return { ...base, summary: `Rollout ${rollout.id} on ${cluster.name} completed`, rollout, nextActions: [] };
    case 'drift.found': {
      const findings = Array.isArray(entry.details.findings) ? entry.details.findings : [];
      const namespaces = [
        ...new Set(findings.map((f: { namespace?: unknown }) => text(f.namespace)).filter((n) => n !== undefined)),
      ].sort();
      // The guardrails (CLUSTER_SCOPE, the cluster stage's step) can be re-applied, not accepted: they come from the map.
      const accepting = namespaces.filter((namespace) => namespace !== CLUSTER_SCOPE);
      const act = (kind: 'reapply' | 'accept', description: string, named: string[]): NotifiedAction => ({
        action: kind,
        description,
        method: 'POST',
        path: `/api/v1/clusters/${cluster.id}/drift-actions`,
        body: { kind, namespaces: named },
      });
      return {
        ...base,
        summary: `Drift on ${cluster.name}: ${findings.length} finding${findings.length === 1 ? '' : 's'} against the rolled-out plan`,
        rollout,
        findings,
        nextActions: [
          ...(namespaces.length ? [act('reapply', "Put back exactly the plan's policies in the drifted namespaces", namespaces)] : []),
          ...(accepting.length
            ? [act('accept', "Accept the drifted namespaces' live policies as the plan's next version", accepting)]
            : []),
        ],
      };
    }
  }
}

/** Slack's mrkdwn gives &, < and > a meaning: written as entities, text stays text. */
const escapeSlack = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Slack incoming-webhook message: `text` for notifications, `blocks` for the channel. */
function slackMessage(notification: Notification): Record<string, unknown> {
  const lines = [`*${escapeSlack(notification.summary)}*`];
  for (const finding of (notification.findings ?? []).slice(0, 10) as Array<{ namespace?: string; message?: string }>)
    lines.push(`• ${escapeSlack(`${finding.namespace ?? ''}: ${finding.message ?? ''}`)}`);
  for (const action of notification.nextActions) lines.push(`• ${escapeSlack(`${action.description}: ${action.method} ${action.path}`)}`);
  return {
    text: notification.summary,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: escapeSlack(`${notification.event} · ${notification.cluster.name} · ${notification.occurredAt}`) },
        ],
      },
    ],
  };
}

/** The body of a delivery, as sent and signed. */
export function webhookBody(
  format: WebhookFormat,
  entry: NotifiedEntry,
  idempotencyKey: string,
  offered: readonly RolloutAction[],
): string {
  const notification = notificationOf(entry, idempotencyKey, offered);
  return JSON.stringify(format === 'slack' ? slackMessage(notification) : notification);
}
