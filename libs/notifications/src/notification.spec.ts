import type { NextAction } from '@bulkhead/contracts';
import { notificationOf, webhookBody, type NotifiedEntry } from './notification';

const AT = new Date('2026-01-13T22:00:00Z');
const entry = (event: NotifiedEntry['event'], details: Record<string, unknown>): NotifiedEntry => ({
  event,
  at: AT,
  clusterId: 'c1',
  clusterName: 'demo-flat',
  target: 'r1',
  details: { rolloutId: 'r1', version: 7, ...details },
});

/** What a rollout halted on a failed probe offers (see nextActionsOf), a newer plan version made meanwhile. */
const PROBE_FAILED_ACTIONS: NextAction[] = [
  { action: 'continue', description: 'Go on with plan v8', planId: 'p8', planVersion: 8 },
  {
    action: 'declare-dependency',
    description: 'Declare orders/api -> payments/api:8080/TCP',
    namespace: 'payments',
    probeId: 'pr1',
    dependency: { from: 'orders/api', to: 'payments/api', port: 8080, protocol: 'TCP' },
  },
  { action: 'retry', description: 'Step payments again', namespace: 'payments' },
  { action: 'skip', description: 'Leave payments out, saying why', namespace: 'payments' },
  { action: 'rollback', description: 'Put back every namespace' },
  { action: 'abort', description: 'Stop for good' },
];

describe('notifications', () => {
  it("a halt after a failed probe says why and carries the rollout's next actions, each with the call that takes it", () => {
    const halted = notificationOf(
      entry('rollout.halted', { code: 'probe_failed', message: 'payments: orders -> payments:8080 blocked' }),
      'k1',
      PROBE_FAILED_ACTIONS,
    );
    expect(halted).toMatchObject({
      id: 'k1',
      event: 'rollout.halted',
      occurredAt: AT.toISOString(),
      cluster: { id: 'c1', name: 'demo-flat' },
      rollout: { id: 'r1', version: 7 },
      halt: { code: 'probe_failed', message: 'payments: orders -> payments:8080 blocked' },
    });
    expect(halted.summary).toContain('halted: payments: orders -> payments:8080 blocked');
    expect(halted.nextActions.map(({ method: _method, path: _path, body: _body, ...offered }) => offered)).toEqual(PROBE_FAILED_ACTIONS);
    expect(halted.nextActions.map((a) => [a.action, a.method, a.path, a.body])).toEqual([
      ['continue', 'POST', '/api/v1/rollouts/r1/continue', { planVersion: 8 }],
      ['declare-dependency', 'POST', '/api/v1/rollouts/r1/declare-dependency', { namespace: 'payments', probeId: 'pr1' }],
      ['retry', 'POST', '/api/v1/rollouts/r1/retry', { namespace: 'payments' }],
      ['skip', 'POST', '/api/v1/rollouts/r1/skip', { namespace: 'payments' }],
      ['rollback', 'POST', '/api/v1/rollouts/r1/rollback', { scope: { kind: 'all' } }],
      ['abort', 'POST', '/api/v1/rollouts/r1/abort', { restore: 'in_flight' }],
    ]);
  });

  it('a halt whose skip waits for an answer carries the calls that approve it and reject it', () => {
    const asked = { namespace: 'payments', reason: 'owned by another team', requestedBy: 'user:carol' };
    const waiting: NextAction[] = [
      { action: 'approve-skip', description: 'Agree to leave payments out', ...asked },
      { action: 'reject-skip', description: 'Refuse to leave payments out, saying why', ...asked },
    ];
    const halted = notificationOf(entry('rollout.halted', { code: 'probe_failed', message: 'blocked' }), 'k1', waiting);
    expect(halted.nextActions.map((a) => [a.action, a.path, a.body])).toEqual([
      ['approve-skip', '/api/v1/rollouts/r1/approve-skip', { namespace: 'payments' }],
      ['reject-skip', '/api/v1/rollouts/r1/reject-skip', { namespace: 'payments' }],
    ]);
  });

  it('a halt whose rollout offers nothing any more (it moved on before the first attempt) carries no actions', () => {
    const halted = notificationOf(entry('rollout.halted', { code: 'approval_rejected', message: 'rejected' }), 'k1', []);
    expect(halted.nextActions).toEqual([]);
  });

  it("an approval request ignores a rollout's next actions", () => {
    expect(notificationOf(entry('approval.needed', { tier: 'prod' }), 'k2', PROBE_FAILED_ACTIONS).nextActions.map((a) => a.action)).toEqual(
      ['approve', 'reject'],
    );
  });

  it('a stall says since when and what was under way, and offers pausing to revive it, rolling back and aborting', () => {
    const stalled = notificationOf(
      entry('rollout.stalled', { status: 'running', since: '2026-01-13T21:55:00.000Z', reason: 'payments-prod applied, not probed' }),
      'k6',
      [],
    );
    expect(stalled).toMatchObject({
      event: 'rollout.stalled',
      rollout: { id: 'r1', version: 7 },
      stall: { since: '2026-01-13T21:55:00.000Z', reason: 'payments-prod applied, not probed' },
    });
    expect(stalled.summary).toContain('has not moved since 2026-01-13T21:55:00.000Z: payments-prod applied, not probed');
    expect(stalled.nextActions.map((a) => a.action)).toEqual(['pause-and-resume', 'rollback', 'abort']);
  });

  it('an approval request names the tier and the calls that decide it', () => {
    const asked = notificationOf(entry('approval.needed', { tier: 'prod' }), 'k2', []);
    expect(asked.tier).toBe('prod');
    expect(asked.nextActions).toEqual([
      expect.objectContaining({ action: 'approve', path: '/api/v1/rollouts/r1/approve', body: { tier: 'prod' } }),
      expect.objectContaining({ action: 'reject', path: '/api/v1/rollouts/r1/reject', body: { tier: 'prod' } }),
    ]);
  });

  it('drift carries its findings', () => {
    const findings = [{ namespace: 'payments', kind: 'policy_removed', subject: 'allow-orders', message: 'removed by hand' }];
    const drift = notificationOf({ ...entry('drift.found', { findings }), details: { findings } }, 'k3', []);
    expect(drift).toMatchObject({ findings, rollout: { id: 'r1', version: null } });
    expect(drift.summary).toBe('Drift on demo-flat: 1 finding against the rolled-out plan');
    expect(drift.nextActions.map((a) => [a.action, a.path, a.body])).toEqual([
      ['reapply', `/api/v1/clusters/${drift.cluster.id}/drift-actions`, { kind: 'reapply', namespaces: ['payments'] }],
      ['accept', `/api/v1/clusters/${drift.cluster.id}/drift-actions`, { kind: 'accept', namespaces: ['payments'] }],
    ]);
  });

  it('drift of the guardrails offers their re-apply, and no acceptance of them', () => {
    const findings = [
      { namespace: '(cluster)', kind: 'policy_changed', subject: 'ClusterNetworkPolicy/bulkhead-tier-isolation', message: 'changed' },
      { namespace: 'payments', kind: 'policy_removed', subject: 'allow-orders', message: 'removed by hand' },
    ];
    const drift = notificationOf({ ...entry('drift.found', { findings }), details: { findings } }, 'k5', []);
    expect(drift.nextActions.map((a) => a.body)).toEqual([
      { kind: 'reapply', namespaces: ['(cluster)', 'payments'] },
      { kind: 'accept', namespaces: ['payments'] },
    ]);
    const alone = notificationOf({ ...entry('drift.found', { findings: [findings[0]] }), details: { findings: [findings[0]] } }, 'k6', []);
    expect(alone.nextActions.map((a) => a.action)).toEqual(['reapply']);
  });

  it('the same entry gives the same bytes', () => {
    const completed = entry('rollout.completed', {});
    expect(webhookBody('json', completed, 'k4', [])).toBe(webhookBody('json', { ...completed }, 'k4', []));
  });

  it("the Slack variant has text and blocks, with mrkdwn characters escaped, and lists a halt's actions with their calls", () => {
    const body = JSON.parse(
      webhookBody('slack', entry('rollout.halted', { code: 'apply_failed', message: '<b>&' }), 'k5', PROBE_FAILED_ACTIONS),
    );
    expect(body.text).toContain('halted: <b>&');
    expect(body.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(body.blocks[0].text.text).toContain('&lt;b&gt;&amp;');
    expect(body.blocks[0].text.text).not.toContain('<b>');
    expect(body.blocks[1].elements[0].text).toContain('rollout.halted · demo-flat');
    expect(body.blocks[0].text.text).toContain('• Go on with plan v8: POST /api/v1/rollouts/r1/continue');
    expect(body.blocks[0].text.text).toContain('• Step payments again: POST /api/v1/rollouts/r1/retry');
  });
});
