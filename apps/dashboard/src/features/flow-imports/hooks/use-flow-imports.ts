import type { FlowImportView } from '@bulkhead/contracts';
import { useEffect } from 'react';
import { usePages } from '../../../shared/use-pages';
import { fetchImport, fetchImports } from '../api';

export const isLive = (i: FlowImportView) => i.status === 'queued' || i.status === 'running';

/** The cluster's flow imports, newest first, a page at a time, each queued or running one polled every second until it ends. */
export function useFlowImports(clusterId: string) {
  const list = usePages((cursor, signal) => fetchImports(clusterId, cursor, signal), [clusterId]);
  const live = (list.items ?? [])
    .filter(isLive)
    .map((i) => i.id)
    .join(',');
  const { setItems } = list;

  useEffect(() => {
    if (!live) return;
    const ids = live.split(',');
    const controller = new AbortController();
    const timer = window.setInterval(() => {
      for (const id of ids) {
        fetchImport(id, controller.signal)
          .then((fresh) => setItems((all) => all.map((i) => (i.id === fresh.id ? fresh : i))))
          .catch(() => undefined); // the next tick tries again; a lasting failure shows on reload
      }
    }, 1000);
    return () => {
      window.clearInterval(timer);
      controller.abort();
    };
  }, [live, setItems]);

  const add = (view: FlowImportView) => setItems((all) => [view, ...all.filter((i) => i.id !== view.id)]);
  return { ...list, add };
}
