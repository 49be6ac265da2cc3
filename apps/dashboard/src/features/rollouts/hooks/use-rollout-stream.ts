import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { applyRolloutPatch, FINAL_STATUSES, type RolloutDigest, type RolloutDigestPatch, routes, urlOf } from '@bulkhead/contracts';
import { acceptRollout, fetchRolloutDigest } from '../api';
import { rolloutKeys } from '../keys';

/** How the page hears of changes: the event stream, a poll while the stream is down, or nothing once the rollout has ended. */
export type Liveness = 'connecting' | 'live' | 'polling' | 'ended';

const POLL_MS = 2000;

/**
 * A rollout's light view (its digest: steps with their probes counted, not listed) kept up to date
 * without reloading, in the query cache: the first by GET /digest (so that a 404 or 403 is said in
 * words), then the server-sent events of /events?view=digest: the digest when the stream opens, then patches, each applied to the state the stream gave before it. A patch for another
 * version than that one (never expected) reads the digest again. While the stream is down (a
 * proxy cut it, the API restarted) the query polls every 2 s, and EventSource keeps reconnecting on its
 * own (and sends the digest again). Every state goes through `acceptRollout`, so one older than
 * the one shown (by version) is never applied, and a command's answer shows at once too.
 */
export function useRolloutStream(id: string) {
  const queryClient = useQueryClient();
  const [stream, setStream] = useState<'connecting' | 'live' | 'polling'>('connecting');
  const rollout = useQuery({
    queryKey: rolloutKeys.one(id),
    queryFn: async ({ signal }) => {
      const fresh = await fetchRolloutDigest(id, signal);
      const shown = queryClient.getQueryData<RolloutDigest>(rolloutKeys.one(id));
      return shown && shown.version > fresh.version ? shown : fresh;
    },
    refetchInterval: (query) =>
      stream === 'polling' && query.state.data && !FINAL_STATUSES.includes(query.state.data.status) ? POLL_MS : false,
  });
  const loaded = rollout.data !== undefined;
  const ended = loaded && FINAL_STATUSES.includes(rollout.data.status);

  useEffect(() => {
    if (!loaded || ended) return;
    setStream('connecting');
    const controller = new AbortController();
    const source = new EventSource(urlOf(routes.rolloutEvents, { params: { rolloutId: id }, query: { view: 'digest' } }));
    // What this stream last gave: the base its next patch applies to.
    let streamed: RolloutDigest | null = null;
    const show = (next: RolloutDigest) => {
      streamed = next;
      acceptRollout(queryClient, next);
      setStream('live');
    };
    source.onopen = () => setStream('live');
    source.addEventListener('rollout', (e) => show(JSON.parse((e as MessageEvent<string>).data) as RolloutDigest));
    source.addEventListener('patch', (e) => {
      const patch = JSON.parse((e as MessageEvent<string>).data) as RolloutDigestPatch;
      const next = streamed && applyRolloutPatch(streamed, patch);
      if (next) show(next);
      else
        fetchRolloutDigest(id, controller.signal)
          .then(show)
          .catch(() => undefined); // the stream's next change, or the poll, brings it
    });
    source.onerror = () => setStream('polling');
    return () => {
      controller.abort();
      source.close();
    };
  }, [id, loaded, ended, queryClient]);

  const liveness: Liveness = ended ? 'ended' : stream;
  return { rollout, liveness };
}
