import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, type WebhookEvent, type WebhookFormat, type WebhookView } from '@bulkhead/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../../api/client';
import { ClusterPicker } from '../../../shared/ClusterPicker';
import { formatDate } from '../../../shared/format';
import { Badge, Empty, ErrorNote, Field, Loading, PageHeader, type Tone } from '../../../shared/ui';
import { useCreateWebhook, useDeleteWebhook, useDeliveries, useWebhooks } from '../api';
import '../webhooks.css';

const EVENT_HINT: Record<WebhookEvent, string> = {
  'approval.needed': 'a stage waits for an approver',
  'rollout.halted': 'a rollout halted, with the reason and what can follow',
  'rollout.stalled': 'a running rollout stopped moving past its deadline',
  'rollout.completed': 'a rollout completed',
  'drift.found': "a re-check found the cluster's policies changed",
};

const STATUS_TONE: Record<string, Tone> = { pending: 'info', delivered: 'good', failed: 'bad' };

/** Admins only: where a cluster's events are sent, and how each delivery went. */
export function WebhooksPage({ clusterId }: { clusterId: string }) {
  const webhooks = useWebhooks(clusterId);
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
          {webhooks.isPending && <Loading what="webhooks" />}
          {webhooks.isError && (
            <ErrorNote error={webhooks.error} title="The webhooks could not be loaded." onRetry={() => void webhooks.refetch()} />
          )}
          {webhooks.data?.length === 0 && (
            <Empty title="No webhook yet">Add one to hear about approvals, halts, completions and drift.</Empty>
          )}
          {webhooks.data?.map((webhook) => (
            <Endpoint key={webhook.id} webhook={webhook} />
          ))}
        </section>
        <NewWebhook clusterId={clusterId} />
      </div>
    </div>
  );
}

function Endpoint({ webhook }: { webhook: WebhookView }) {
  const deliveries = useDeliveries(webhook.clusterId, webhook.id);
  const remove = useDeleteWebhook(webhook.clusterId);
  return (
    <article className="webhook" aria-label={`Webhook ${webhook.url}`}>
      <div className="webhook-head">
        <span className="mono">{webhook.url}</span> <Badge tone="neutral">{webhook.format}</Badge> <Badge tone="good">secret set</Badge>
        <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => remove.mutate(webhook.id)}>
          Remove
        </button>
      </div>
      <div className="muted">{webhook.events.join(', ')}</div>
      {remove.error !== null && (
        <div className="note note-error" role="alert">
          {describeError(remove.error)}
        </div>
      )}
      {deliveries.isError && (
        <ErrorNote error={deliveries.error} title="The deliveries could not be loaded." onRetry={() => void deliveries.refetch()} />
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

function NewWebhook({ clusterId }: { clusterId: string }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['approval.needed', 'rollout.halted']);
  const [format, setFormat] = useState<WebhookFormat>('json');
  const [secret, setSecret] = useState('');
  const create = useCreateWebhook(clusterId);
  const { error } = create;
  const problem = (f: string) => (error instanceof ApiError ? error.problemFor(f) : undefined);
  const general = error instanceof ApiError && error.problems.length > 0 ? null : error;
  const toggle = (event: WebhookEvent) => setEvents((now) => (now.includes(event) ? now.filter((e) => e !== event) : [...now, event]));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { url: url.trim(), events, format, secret },
      {
        onSuccess: () => {
          setUrl('');
          setSecret('');
        },
      },
    );
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-webhook-title" noValidate>
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
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add webhook'}
        </button>
      </div>
    </form>
  );
}
