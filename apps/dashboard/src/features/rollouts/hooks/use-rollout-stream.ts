import { useCallback, useEffect, useRef, useState } from 'react';
import {
  applyRolloutPatch,
  FINAL_STATUSES,
  type RolloutPatch,
  type RolloutState,
  type RolloutView,
  routes,
  urlOf,
} from '@bulkhead/contracts';
import { fetchRollout } from '../api';

/** How the page hears of changes: the event stream, a poll while the stream is down, or nothing once the rollout has ended. */
export type Liveness = 'connecting' | 'live' | 'polling' | 'ended';

const POLL_MS = 2000;

/**
 * A rollout kept up to date without reloading: the first state by GET (so that a 404 or 403 is said
 * in words), then the server-sent events of /events: the whole state when the stream opens, then
 * patches, each applied to the state the stream gave before it. A patch for another version than that
 * one (never expected) reads the whole state again. While the stream is down (a proxy cut it, the API
 * restarted) the state is polled every 2 s, and EventSource keeps reconnecting on its own (and sends
 * the whole state again). A state older than the one shown (by version) is never applied.
 */
export function useRolloutStream(id: string) {
  const [state, setState] = useState<RolloutView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [liveness, setLiveness] = useState<Liveness>('connecting');
  const [attempt, setAttempt] = useState(0);
  const versionRef = useRef(-1);

  const accept = useCallback((next: RolloutView) => {
    if (next.version < versionRef.current) return;
    versionRef.current = next.version;
    setState(next);
  }, []);

  useEffect(() => {
    versionRef.current = -1;
    setState(null);
    setError(null);
    setLiveness('connecting');
    const controller = new AbortController();
    let source: EventSource | null = null;
    let poll: number | undefined;
    const ended = (s: RolloutState) => FINAL_STATUSES.includes(s.status);
    const stopPolling = () => {
      window.clearInterval(poll);
      poll = undefined;
    };
    const startPolling = () => {
      if (poll !== undefined) return;
      poll = window.setInterval(() => {
        fetchRollout(id, controller.signal)
          .then((s) => {
            accept(s);
            if (ended(s)) finish();
          })
          .catch(() => undefined); // the next tick tries again
      }, POLL_MS);
    };
    const finish = () => {
      source?.close();
      stopPolling();
      setLiveness('ended');
    };

    fetchRollout(id, controller.signal)
      .then((first) => {
        accept(first);
        if (ended(first)) return finish();
        source = new EventSource(urlOf(routes.rolloutEvents, { params: { rolloutId: id } }));
        // What this stream last gave: the base its next patch applies to.
        let streamed: RolloutView | null = null;
        const show = (next: RolloutView) => {
          streamed = next;
          accept(next);
          setLiveness('live');
          if (ended(next)) finish();
        };
        source.onopen = () => {
          stopPolling();
          setLiveness('live');
        };
        source.addEventListener('rollout', (e) => show(JSON.parse((e as MessageEvent<string>).data) as RolloutView));
        source.addEventListener('patch', (e) => {
          const patch = JSON.parse((e as MessageEvent<string>).data) as RolloutPatch;
          const next = streamed && applyRolloutPatch(streamed, patch);
          if (next) show(next);
          else
            fetchRollout(id, controller.signal)
              .then(show)
              .catch(() => undefined); // the stream's next change, or the poll, brings it
        });
        source.onerror = () => {
          if (source?.readyState === EventSource.CLOSED) source = null;
          setLiveness('polling');
          startPolling();
        };
      })
      .catch((err) => {
        if ((err as Error)?.name !== 'AbortError') setError(err);
      });

    return () => {
      controller.abort();
      source?.close();
      stopPolling();
    };
  }, [id, accept, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, error, liveness, accept, retry };
}
