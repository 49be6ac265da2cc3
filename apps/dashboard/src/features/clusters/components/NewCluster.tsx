import { CNIS, type Cni, DRIVERS } from '@bulkhead/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../../api/client';
import { useAuth } from '../../../app/auth';
import { rememberCluster } from '../../../app/last-cluster';
import { navigate } from '../../../app/router';
import { Field } from '../../../shared/ui';
import { cniName } from '../../overview/cni';
import { useCreateCluster } from '../api';
import { DeliveryFields, deliveryBody, draftOf } from './DeliveryFields';
import { KubeconfigInput } from './KubeconfigInput';

type Driver = (typeof DRIVERS)[number];

const DRIVER_HINT: Record<Driver, string> = {
  simulated: 'Bulkhead stands in for the cluster: you feed it snapshots (kubectl output), and rollouts run against its model.',
  kubernetes: 'Bulkhead reads and changes a real cluster through its API server, with the kubeconfig you give (admins only).',
};

/**
 * Registers a cluster: a simulated one fed by snapshots, or a Kubernetes one with its kubeconfig (sealed,
 * never shown again); an admin also says how rollouts deliver its changes (directly, or through git).
 */
export function NewCluster() {
  const { can } = useAuth();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [cni, setCni] = useState<Cni>('unknown');
  const [driver, setDriver] = useState<Driver>('simulated');
  const [kubeconfig, setKubeconfig] = useState<string | null>(null);
  const [delivery, setDelivery] = useState(draftOf(undefined));
  const create = useCreateCluster();
  const { error } = create;
  const problem = (field: string) => (error instanceof ApiError ? error.problemFor(field) : undefined);
  const general = error instanceof ApiError && error.problems.length > 0 ? null : error;
  const mayUseKubeconfig = can('clusters.credentials');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        cni,
        driver,
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(driver === 'kubernetes' && kubeconfig ? { kubeconfig } : {}),
        delivery: mayUseKubeconfig ? deliveryBody(delivery) : { kind: 'direct' },
      },
      {
        onSuccess: (cluster) => {
          rememberCluster(cluster.id);
          navigate(`/clusters/${cluster.id}`);
        },
      },
    );
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-cluster-title" noValidate>
      <div className="card-head">
        <h2 id="new-cluster-title">Add a cluster</h2>
      </div>
      <Field label="Name" htmlFor="cluster-name" problem={problem('name')} hint="Lower-case letters, digits and dashes, as in Kubernetes.">
        <input id="cluster-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Description" htmlFor="cluster-description" problem={problem('description')}>
        <input id="cluster-description" value={description} onChange={(e) => setDescription(e.target.value)} autoComplete="off" />
      </Field>
      <Field
        label="CNI"
        htmlFor="cluster-cni"
        problem={problem('cni')}
        hint="Decides whether NetworkPolicy is enforced at all. A sync of a Kubernetes cluster finds it out."
      >
        <select id="cluster-cni" value={cni} onChange={(e) => setCni(e.target.value as Cni)}>
          {CNIS.map((c) => (
            <option key={c} value={c}>
              {cniName(c)}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="driver-choice">
        <legend>How Bulkhead reaches it</legend>
        {DRIVERS.map((d) => (
          <label key={d} className="check">
            <input
              type="radio"
              name="driver"
              value={d}
              checked={driver === d}
              disabled={d === 'kubernetes' && !mayUseKubeconfig}
              onChange={() => setDriver(d)}
            />
            {d === 'simulated' ? 'Simulated, fed by snapshots' : 'Kubernetes, through a kubeconfig'}
          </label>
        ))}
        <div className="field-hint">
          {DRIVER_HINT[driver]}
          {!mayUseKubeconfig && ' Only an admin registers a Kubernetes cluster.'}
        </div>
      </fieldset>
      {driver === 'kubernetes' && <KubeconfigInput id="cluster-kubeconfig" problem={problem('kubeconfig')} onRead={setKubeconfig} />}
      {mayUseKubeconfig && (
        <DeliveryFields id="cluster-delivery" draft={delivery} credentialsSet={false} problem={problem} onChange={setDelivery} />
      )}
      {general !== null && (
        <div className="note note-error" role="alert">
          {describeError(general)}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending || (driver === 'kubernetes' && !kubeconfig)}>
          {create.isPending ? 'Adding…' : 'Add cluster'}
        </button>
      </div>
    </form>
  );
}
