import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export type AsyncState<T> =
  | { status: 'loading'; data?: T; error?: undefined }
  | { status: 'ready'; data: T; error?: undefined }
  | { status: 'failed'; data?: T; error: unknown };

/**
 * Loads something when the dependencies change; `reload()` fetches again while keeping what is
 * shown (no flash of the loading state), `set` replaces the data after a change the page made.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList) {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const loadRef = useRef(load);
  loadRef.current = load;
  const current = useRef<AbortController | null>(null);

  const run = useCallback((keep: boolean) => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    if (!keep) setState({ status: 'loading' });
    loadRef
      .current(controller.signal)
      .then((data) => !controller.signal.aborted && setState({ status: 'ready', data }))
      .catch((error) => {
        if (controller.signal.aborted || (error as Error)?.name === 'AbortError') return;
        setState((s) => ({ status: 'failed', data: keep ? s.data : undefined, error }));
      });
  }, []);

  // `deps` is the caller's list for `load` (`run` never changes): lint checks it at every call, as
  // eslint.config.mjs names useAsync among the hooks whose dependencies it verifies.
  useEffect(() => {
    run(false);
    return () => current.current?.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const reload = useCallback(() => run(true), [run]);
  const set = useCallback(
    (update: (data: T) => T) => setState((s) => (s.data === undefined ? s : { status: 'ready', data: update(s.data) })),
    [],
  );
  return { ...state, reload, set };
}
