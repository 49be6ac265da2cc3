import { FLOW_SOURCE_KINDS, type FlowSourceKind, GRPC_FLOW_SOURCE_KINDS } from '@bulkhead/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../../api/client';
import { Field } from '../../../shared/ui';
import { type NewFlowSource, useCreateFlowSource } from '../api';

export const KIND_NAMES: Record<FlowSourceKind, string> = {
  'hubble-relay': 'Hubble Relay (Cilium)',
  goldmane: 'Goldmane (Calico)',
  simulated: 'Simulated stream',
};

const ADDRESS_EXAMPLE: Record<FlowSourceKind, string> = {
  'hubble-relay': 'hubble-relay.kube-system.svc:80',
  goldmane: 'goldmane.calico-system.svc:7443',
  simulated: '',
};

/** The form as typed; the PEM fields are write-only and emptied once the source is added. */
interface Draft {
  name: string;
  kind: FlowSourceKind;
  address: string;
  useTls: boolean;
  serverName: string;
  ca: string;
  certificate: string;
  key: string;
  connectionsPerSecond: string;
}

const EMPTY: Draft = {
  name: '',
  kind: 'hubble-relay',
  address: '',
  useTls: false,
  serverName: '',
  ca: '',
  certificate: '',
  key: '',
  connectionsPerSecond: '5',
};

/** What the API is sent: TLS only when asked for, with the fields given (none means the system roots); the rate only for a simulated stream. */
function bodyOf(draft: Draft): NewFlowSource {
  const name = draft.name.trim();
  if (!GRPC_FLOW_SOURCE_KINDS.includes(draft.kind))
    return { name, kind: draft.kind, simulation: { connectionsPerSecond: Number(draft.connectionsPerSecond) } };
  const given = (text: string) => (text.trim() ? text.trim() : undefined);
  return {
    name,
    kind: draft.kind,
    address: draft.address.trim(),
    ...(draft.useTls
      ? {
          tls: {
            serverName: given(draft.serverName),
            ca: given(draft.ca),
            certificate: given(draft.certificate),
            key: given(draft.key),
          },
        }
      : {}),
  };
}

/** Adds a Hubble Relay or Goldmane source at an address (optionally over TLS or mTLS), or a simulated stream with its rate. */
export function AddFlowSource({ clusterId }: { clusterId: string }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [added, setAdded] = useState<string | null>(null);
  const create = useCreateFlowSource(clusterId);
  const { error } = create;
  const problem = (field: string) => (error instanceof ApiError ? error.problemFor(field) : undefined);
  const general = error instanceof ApiError && error.problems.length > 0 ? null : error;
  const grpc = GRPC_FLOW_SOURCE_KINDS.includes(draft.kind);
  const set = (field: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [field]: e.target.value });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    create.mutate(bodyOf(draft), {
      onSuccess: (source) => {
        setAdded(`${source.name} added: a worker starts collecting it within a few seconds.`);
        setDraft({ ...EMPTY, kind: draft.kind });
      },
    });
  };

  return (
    <form className="pad add-flow-source" onSubmit={submit} aria-labelledby="add-flow-source-title" noValidate>
      <h3 id="add-flow-source-title">Add a flow source</h3>
      <div className="split-even">
        <Field label="Source name" htmlFor="source-name" problem={problem('name')}>
          <input id="source-name" value={draft.name} onChange={set('name')} autoComplete="off" placeholder="relay" />
        </Field>
        <Field label="Kind" htmlFor="source-kind" problem={problem('kind')}>
          <select id="source-kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as FlowSourceKind })}>
            {FLOW_SOURCE_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {KIND_NAMES[kind]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {grpc ? (
        <>
          <Field label="Address" htmlFor="source-address" problem={problem('address')} hint="host:port, without a scheme.">
            <input
              id="source-address"
              value={draft.address}
              onChange={set('address')}
              autoComplete="off"
              placeholder={ADDRESS_EXAMPLE[draft.kind]}
            />
          </Field>
          <label className="check">
            <input type="checkbox" checked={draft.useTls} onChange={(e) => setDraft({ ...draft, useTls: e.target.checked })} />
            Over TLS{draft.kind === 'goldmane' ? ' (Goldmane needs mTLS: give a client certificate and key)' : ''}
          </label>
          {draft.useTls && <TlsFields draft={draft} problem={problem} set={set} />}
        </>
      ) : (
        <Field
          label="Connections per second"
          htmlFor="source-rate"
          problem={problem('simulation.connectionsPerSecond') ?? problem('simulation')}
          hint="The demo traffic's steady callers; each connection is seen as 3 or 4 flows."
        >
          <input
            id="source-rate"
            type="number"
            min={0.1}
            max={200}
            step={0.1}
            value={draft.connectionsPerSecond}
            onChange={set('connectionsPerSecond')}
          />
        </Field>
      )}
      {general !== null && (
        <div className="note note-error" role="alert">
          {describeError(general)}
        </div>
      )}
      {added && (
        <div className="saved" role="status">
          {added}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add source'}
        </button>
      </div>
    </form>
  );
}

/** The server name and PEM blocks, pasted; stored encrypted by the API and never shown again, here or anywhere. */
function TlsFields({
  draft,
  problem,
  set,
}: {
  draft: Draft;
  problem(field: string): string | undefined;
  set(field: keyof Draft): (e: { target: { value: string } }) => void;
}) {
  const pem = (field: 'ca' | 'certificate' | 'key', label: string, hint: string) => (
    <Field label={label} htmlFor={`source-${field}`} problem={problem(`tls.${field}`)} hint={hint}>
      <textarea
        id={`source-${field}`}
        className="mono pem"
        rows={3}
        value={draft[field]}
        onChange={set(field)}
        autoComplete="off"
        spellCheck={false}
        placeholder="-----BEGIN …-----"
      />
    </Field>
  );
  return (
    <div className="stack-small">
      <Field
        label="Server name"
        htmlFor="source-server-name"
        problem={problem('tls.serverName')}
        hint="The name on the server certificate, when it is not the address host."
      >
        <input id="source-server-name" value={draft.serverName} onChange={set('serverName')} autoComplete="off" />
      </Field>
      {pem('ca', 'CA certificate (PEM)', 'The bundle the server certificate must chain to; the system roots when empty.')}
      <div className="split-even">
        {pem('certificate', 'Client certificate (PEM)', 'For mTLS. Stored encrypted, never shown again.')}
        {pem('key', 'Client key (PEM)', 'With the client certificate. Stored encrypted, never shown again.')}
      </div>
    </div>
  );
}
