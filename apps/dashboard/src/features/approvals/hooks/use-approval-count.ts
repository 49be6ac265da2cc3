import { useEffect, useState } from 'react';
import { APPROVALS_CHANGED, fetchApprovals } from '../api';

const EVERY_MS = 15_000;

/** How many stages wait for the signed-in approver (not their own rollouts): for the nav badge. Null when not asked. */
export function useApprovalCount(enabled: boolean): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!enabled) {
      setCount(null);
      return;
    }
    const controller = new AbortController();
    const load = () => {
      fetchApprovals(controller.signal)
        .then((items) => setCount(items.filter((i) => !i.mine).length))
        .catch(() => undefined); // a badge that is a little stale is fine; the inbox says errors in words
    };
    load();
    const timer = window.setInterval(load, EVERY_MS);
    window.addEventListener(APPROVALS_CHANGED, load);
    return () => {
      controller.abort();
      window.clearInterval(timer);
      window.removeEventListener(APPROVALS_CHANGED, load);
    };
  }, [enabled]);
  return count;
}
