import { CNIS, type Cni, type ClusterView, type UpdateClusterBody } from '@bulkhead/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../../api/client';
import { useAuth } from '../../../app/auth';
import { Field } from '../../../shared/ui';
import { cniName } from '../../overview/cni';
import { useUpdateCluster } from '../api';
import { DeliveryFields, deliveryBody, draftOf } from './DeliveryFields';
import { KubeconfigInput } from './KubeconfigInput';

/** Changes the CNI and the description (an operator), or the kubeconfig of a Kubernetes cluster and the delivery (an admin). */
export function EditCluster({ cluster }: { cluster: ClusterView }) {
  const { can } = useAuth();
  const [cni, setCni] = useState<Cni>(cluster.cni as Cni);
  const [description, setDescription] = useState(cluster.description ?? '');
  const [kubeconfig, setKubeconfig] = useState<string | null>(null);
  const [delivery, setDelivery] = useState(draftOf(cluster.delivery));
  const [saved, setSaved] = useState(false);
  const update = useUpdateCluster(cluster.id);
  const { error } = update;
  const problem = (field: string) => (error instanceof ApiError ? error.problemFor(field) : undefined);
  const general = error instanceof ApiError && error.problems.length > 0 ? null : error;
  const mayReplaceKubeconfig = cluster.driver === 'kubernetes' && can('clusters.credentials');
  const mayChangeDelivery = can('clusters.credentials');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const body: UpdateClusterBody = {};
    if (cni !== cluster.cni) body.cni = cni;
    if (description.trim() !== (cluster.description ?? '')) body.description = description.trim();
    if (kubeconfig) body.kubeconfig = kubeconfig;
    if (mayChangeDelivery && JSON.stringify(delivery) !== JSON.stringify(draftOf(cluster.delivery))) body.delivery = deliveryBody(delivery);
    update.mutate(body, {
      onSuccess: (updated) => {
        setSaved(true);
        setDelivery(draftOf(updated.delivery)); // the token typed is gone from the page once sent
      },
    });
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="edit-cluster-title" noValidate>
      <div className="card-head">
        <h2 id="edit-cluster-title">Settings</h2>
      </div>
      <div className="split-even">
        <Field label="CNI" htmlFor="edit-cni" problem={problem('cni')}>
          <select id="edit-cni" value={cni} onChange={(e) => setCni(e.target.value as Cni)}>
            {CNIS.map((c) => (
              <option key={c} value={c}>
                {cniName(c)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Description" htmlFor="edit-description" problem={problem('description')}>
          <input id="edit-description" value={description} onChange={(e) => setDescription(e.target.value)} autoComplete="off" />
        </Field>
      </div>
      {mayReplaceKubeconfig && <KubeconfigInput id="edit-kubeconfig" problem={problem('kubeconfig')} onRead={setKubeconfig} />}
      {mayChangeDelivery && (
        <DeliveryFields
          id="edit-delivery"
          draft={delivery}
          credentialsSet={cluster.delivery.kind === 'git' && cluster.delivery.credentialsSet}
          problem={problem}
          onChange={setDelivery}
        />
      )}
      {general !== null && (
        <div className="note note-error" role="alert">
          {describeError(general)}
        </div>
      )}
      {saved && (
        <div className="saved" role="status">
          Saved.
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
