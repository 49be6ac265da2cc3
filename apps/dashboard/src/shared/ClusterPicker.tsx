import { navigate } from '../app/router';
import { useClusters } from './use-clusters';

/** Switches the page to another cluster; shows the current cluster's name when there is only one. */
export function ClusterPicker({ current, to }: { current: string; to(id: string): string }) {
  const clusters = useClusters();
  const list = clusters.data ?? [];
  const name = list.find((c) => c.id === current)?.name;
  if (list.length <= 1) return name ? <span className="cluster-name">{name}</span> : null;
  return (
    <select className="cluster-picker" value={current} onChange={(e) => navigate(to(e.target.value))} aria-label="Cluster">
      {list.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </select>
  );
}
