import type { FlowImportView } from '@bulkhead/contracts';
import { useEffect } from 'react';
import { useAsync } from '../../../shared/use-async';
import { fetchImport, fetchImports } from '../api';

export const isLive = (i: FlowImportView) => i.status === 'queued' || i.status === 'running';

/** The cluster's flow imports, each queued or running one polled every second until it ends. */
export function useFlowImports(clusterId: string) {
  const list = useAsync((signal) => fetchImports(clusterId, signal), [clusterId]);
  const live = (list.data ?? [])
    .filter(isLive)
    .map((i) => i.id)
    .join(',');
  const { set } = list;

  useEffect(() => {
    if (!live) return;
    const ids = live.split(',');
    const controller = new AbortController();
    const timer = window.setInterval(() => {
      for (const id of ids) {
        fetchImport(id, controller.signal)
          .then((fresh) => set((all) => all.map((i) => (i.id === fresh.id ? fresh : i))))
          .catch(() => undefined); // the next tick tries again; a lasting failure shows on reload
      }
    }, 1000);
    return () => {
      window.clearInterval(timer);
      controller.abort();
    };
  }, [live, set]);

  const add = (view: FlowImportView) => set((all) => [view, ...all.filter((i) => i.id !== view.id)]);
  return { ...list, add };
}
