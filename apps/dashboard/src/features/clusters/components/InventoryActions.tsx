import type { ClusterView, SnapshotImportResult } from '@bulkhead/contracts';
import { type ChangeEvent, useRef, useState } from 'react';
import { describeError } from '../../../api/client';
import { formatBytes, plural } from '../../../shared/format';
import { type SyncOutcome, useSyncCluster, useUploadSnapshot } from '../api';

/** The two ways an inventory comes in: a snapshot file sent from here, or a sync that the worker reads through the driver. */
export function InventoryActions({ cluster }: { cluster: ClusterView }) {
  return (
    <section className="card" aria-labelledby="inventory-title">
      <div className="card-head">
        <h2 id="inventory-title">Inventory</h2>
      </div>
      <div className="inventory-actions">
        <SnapshotUpload clusterId={cluster.id} />
        <Sync clusterId={cluster.id} />
      </div>
    </section>
  );
}

function SnapshotUpload({ clusterId }: { clusterId: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [sending, setSending] = useState<{ name: string; sent: number; total: number } | null>(null);
  const [imported, setImported] = useState<{ name: string; result: SnapshotImportResult } | null>(null);
  const uploadSnapshot = useUploadSnapshot(clusterId);

  const picked = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setImported(null);
    setSending({ name: file.name, sent: 0, total: file.size });
    uploadSnapshot.mutate(
      { file, onProgress: (sent, total) => setSending({ name: file.name, sent, total }) },
      {
        onSuccess: (result) => setImported({ name: file.name, result }),
        onSettled: () => {
          setSending(null);
          if (input.current) input.current.value = '';
        },
      },
    );
  };

  return (
    <div className="inventory-action">
      <strong>Upload a snapshot</strong>
      <div className="muted small">
        What <code>kubectl get namespaces,pods,networkpolicies -A -o json</code> (or <code>-o yaml</code>) prints. It replaces the
        inventory.
      </div>
      {sending && (
        <div className="upload-progress" role="status" data-testid="snapshot-progress">
          <progress max={sending.total || 1} value={sending.sent} /> Sending {sending.name}: {formatBytes(sending.sent)} of{' '}
          {formatBytes(sending.total)}
          {sending.sent >= sending.total && ', importing…'}
        </div>
      )}
      {imported && <SnapshotResult name={imported.name} result={imported.result} />}
      {uploadSnapshot.error !== null && (
        <div className="field-problem" role="alert">
          The snapshot was not imported: {describeError(uploadSnapshot.error)}
        </div>
      )}
      <label className={`btn btn-small${sending ? ' disabled' : ''}`}>
        {sending ? 'Uploading…' : 'Choose a snapshot file'}
        <input
          ref={input}
          type="file"
          className="sr-only"
          accept=".json,.yaml,.yml,application/json,application/yaml"
          onChange={picked}
          disabled={!!sending}
          aria-label="Snapshot file to upload"
        />
      </label>
    </div>
  );
}

function SnapshotResult({ name, result }: { name: string; result: SnapshotImportResult }) {
  return (
    <div className="saved" role="status" data-testid="snapshot-result">
      {name} imported: {plural(result.namespaces, 'namespace')}, {plural(result.workloads, 'workload')}, {plural(result.pods, 'pod')},{' '}
      {plural(result.policies, 'NetworkPolicy', 'NetworkPolicies')}.
      {result.namespacesWithoutTier.length > 0 && <div>Without a tier: {result.namespacesWithoutTier.join(', ')}. Set one below.</div>}
      {result.keptAtFloor.map((kept) => (
        <div key={kept.namespace}>
          {kept.namespace} stays {kept.tier}: only an approver moves it to a lower tier.
        </div>
      ))}
    </div>
  );
}

function Sync({ clusterId }: { clusterId: string }) {
  const sync = useSyncCluster(clusterId);
  return (
    <div className="inventory-action">
      <strong>Sync</strong>
      <div className="muted small">
        The worker reads the cluster through its driver and replaces the inventory (the CNI too, for Kubernetes).
      </div>
      {sync.isPending && (
        <div className="upload-progress" role="status">
          Syncing: waiting for the worker…
        </div>
      )}
      {sync.data && <SyncResult outcome={sync.data} />}
      {sync.error !== null && (
        <div className="field-problem" role="alert">
          The sync could not start: {describeError(sync.error)}
        </div>
      )}
      <button type="button" className="btn btn-small" onClick={() => sync.mutate()} disabled={sync.isPending}>
        {sync.isPending ? 'Syncing…' : 'Start a sync'}
      </button>
    </div>
  );
}

function SyncResult({ outcome }: { outcome: SyncOutcome }) {
  if (outcome.status === 'waiting')
    return (
      <div className="note note-warn" role="status" data-testid="sync-result">
        The sync has not written an inventory after a minute. The worker may be busy, or failing to reach the cluster: its log says which.
      </div>
    );
  const { counts } = outcome.cluster;
  return (
    <div className="saved" role="status" data-testid="sync-result">
      Synced: {plural(counts.namespaces, 'namespace')}, {plural(counts.workloads, 'workload')}, {plural(counts.pods, 'pod')},{' '}
      {plural(counts.policies, 'NetworkPolicy', 'NetworkPolicies')}.
    </div>
  );
}
