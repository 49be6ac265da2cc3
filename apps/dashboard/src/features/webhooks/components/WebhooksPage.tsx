import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, type WebhookEvent, type WebhookFormat, type WebhookView } from '@bulkhead/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../../api/client';
import { ClusterPicker } from '../../../shared/ClusterPicker';
import { formatDate } from '../../../shared/format';
import { Badge, Empty, ErrorNote, Field, Loading, PageHeader, type Tone } from '../../../shared/ui';
import { useAsync } from '../../../shared/use-async';
import { createWebhook, deleteWebhook, fetchDeliveries, fetchWebhooks } from '../api';
import '../webhooks.css';

const EVENT_HINT: Record<WebhookEvent, string> = {
  'approval.needed': 'a stage waits for an approver',
  'rollout.halted': 'a rollout halted, with the reason and what can follow',
  'rollout.completed': 'a rollout completed',
  'drift.found': "a re-check found the cluster's policies changed",
};

const STATUS_TONE: Record<string, Tone> = { pending: 'info', delivered: 'good', failed: 'bad' };

/** Admins only: where a cluster's events are sent, and how each delivery went. */
export function WebhooksPage({ clusterId }: { clusterId: string }) {
  const webhooks = useAsync((signal) => fetchWebhooks(clusterId, signal), [clusterId]);
  return (
    <div className="page">
      <PageHeader
        title={
          <>
            Webhooks <ClusterPicker current={clusterId} to={(id) => `/clusters/${id}/webhooks`} />
          </>
        }
        subtitle="Each delivery is signed with the endpoint's secret (X-Bulkhead-Signature), retried with back-off and sent at least once under one idempotency key."
      />
      <div className="split">
        <section className="card" aria-labelledby="webhooks-title">
          <div className="card-head">
            <h2 id="webhooks-title">Endpoints {webhooks.data && <span className="muted">{webhooks.data.length}</span>}</h2>
          </div>
          {webhooks.status === 'loading' && !webhooks.data && <Loading what="webhooks" />}
          {webhooks.status === 'failed' && (
            <ErrorNote error={webhooks.error} title="The webhooks could not be loaded." onRetry={webhooks.reload} />
          )}
          {webhooks.data?.length === 0 && (
            <Empty title="No webhook yet">Add one to hear about approvals, halts, completions and drift.</Empty>
          )}
          {webhooks.data?.map((webhook) => (
            <Endpoint key={webhook.id} webhook={webhook} onDeleted={webhooks.reload} />
          ))}
        </section>
        <NewWebhook clusterId={clusterId} onCreated={webhooks.reload} />
      </div>
    </div>
  );
}

function Endpoint({ webhook, onDeleted }: { webhook: WebhookView; onDeleted(): void }) {
  const deliveries = useAsync((signal) => fetchDeliveries(webhook.clusterId, webhook.id, signal), [webhook.clusterId, webhook.id]);
  const [error, setError] = useState<unknown>(null);
  const remove = async () => {
    setError(null);
    try {
      await deleteWebhook(webhook.clusterId, webhook.id);
      onDeleted();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <article className="webhook" aria-label={`Webhook ${webhook.url}`}>
      <div className="webhook-head">
        <span className="mono">{webhook.url}</span> <Badge tone="neutral">{webhook.format}</Badge> <Badge tone="good">secret set</Badge>
        <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => void remove()}>
          Remove
        </button>
      </div>
      <div className="muted">{webhook.events.join(', ')}</div>
      {error !== null && (
        <div className="note note-error" role="alert">
          {describeError(error)}
        </div>
      )}
      {deliveries.status === 'failed' && (
        <ErrorNote error={deliveries.error} title="The deliveries could not be loaded." onRetry={deliveries.reload} />
      )}
      {deliveries.data && deliveries.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last answer</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.map((d) => (
              <tr key={d.id}>
                <td className="mono" title={d.idempotencyKey}>
                  {d.event}
                </td>
                <td>
                  <Badge tone={STATUS_TONE[d.status]}>{d.status}</Badge>
                </td>
                <td>{d.attempts}</td>
                <td>{d.lastStatus !== null ? `HTTP ${d.lastStatus}` : (d.lastError ?? '')}</td>
                <td className="nowrap">{formatDate(d.lastAttemptAt ?? d.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deliveries.data?.length === 0 && <p className="muted">Nothing sent yet.</p>}
    </article>
  );
}

function NewWebhook({ clusterId, onCreated }: { clusterId: string; onCreated(): void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['approval.needed', 'rollout.halted']);
  const [format, setFormat] = useState<WebhookFormat>('json');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const problem = (f: string) => (error instanceof ApiError ? error.problemFor(f) : undefined);
  const general = error instanceof ApiError && error.problems.length > 0 ? null : error;
  const toggle = (event: WebhookEvent) => setEvents((now) => (now.includes(event) ? now.filter((e) => e !== event) : [...now, event]));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await createWebhook(clusterId, { url: url.trim(), events, format, secret });
      setUrl('');
      setSecret('');
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="new-webhook-title" noValidate>
      <div className="card-head">
        <h2 id="new-webhook-title">Add a webhook</h2>
      </div>
      <Field label="URL" htmlFor="webhook-url" problem={problem('url')} hint="https://, for a Slack channel its incoming-webhook URL">
        <input id="webhook-url" value={url} onChange={(e) => setUrl(e.target.value)} autoComplete="off" />
      </Field>
      <fieldset className="field">
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <label key={event} className="check">
            <input type="checkbox" checked={events.includes(event)} onChange={() => toggle(event)} /> <span className="mono">{event}</span>{' '}
            <span className="muted">{EVENT_HINT[event]}</span>
          </label>
        ))}
        {problem('events') && (
          <div className="field-problem" role="alert">
            {problem('events')}
          </div>
        )}
      </fieldset>
      <Field label="Format" htmlFor="webhook-format" problem={problem('format')}>
        <select id="webhook-format" value={format} onChange={(e) => setFormat(e.target.value as WebhookFormat)}>
          {WEBHOOK_FORMATS.map((f) => (
            <option key={f} value={f}>
              {f === 'json' ? 'JSON' : 'Slack (text and blocks)'}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Secret"
        htmlFor="webhook-secret"
        problem={problem('secret')}
        hint="16 characters or more; the receiver checks signatures with it. Never shown again."
      >
        <input id="webhook-secret" type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="new-password" />
      </Field>
      {general !== null && (
        <div className="note note-error" role="alert">
          {describeError(general)}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add webhook'}
        </button>
      </div>
    </form>
  );
}
