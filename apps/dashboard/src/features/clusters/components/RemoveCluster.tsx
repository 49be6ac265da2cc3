import type { ClusterView } from '@bulkhead/contracts';
import { type FormEvent, useState } from 'react';
import { describeError } from '../../../api/client';
import { navigate } from '../../../app/router';
import { useDeleteCluster } from '../api';

/** Deletes the cluster once its name is typed; the API's refusal (a rollout is active) is shown as it says it. */
export function RemoveCluster({ cluster }: { cluster: ClusterView }) {
  const [typed, setTyped] = useState('');
  const remove = useDeleteCluster(cluster.id);
  const confirmed = typed === cluster.name;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (confirmed) remove.mutate(undefined, { onSuccess: () => navigate('/clusters', { replace: true }) });
  };

  return (
    <form className="card danger-zone" onSubmit={submit} aria-labelledby="remove-cluster-title">
      <div className="card-head">
        <h2 id="remove-cluster-title">Remove this cluster</h2>
      </div>
      <p className="muted">
        Deletes everything Bulkhead knows about it: inventory, observed traffic, map reviews, plans and finished rollouts. The cluster
        itself is not touched.
      </p>
      <div className="remove-confirm">
        <label htmlFor="remove-name">
          Type <strong className="mono">{cluster.name}</strong> to confirm
        </label>
        <input id="remove-name" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        <button type="submit" className="btn btn-danger-ghost" disabled={!confirmed || remove.isPending}>
          {remove.isPending ? 'Removing…' : 'Remove cluster'}
        </button>
      </div>
      {remove.error !== null && (
        <div className="note note-error" role="alert">
          {describeError(remove.error)}
        </div>
      )}
    </form>
  );
}
