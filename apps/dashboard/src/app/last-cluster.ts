/** The cluster last looked at, so that the map and flow-import links open on it. */
const KEY = 'bulkhead.lastCluster';

export function lastClusterId(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function rememberCluster(id: string): void {
  try {
    window.localStorage.setItem(KEY, id);
  } catch {
    /* private mode: not remembering is fine */
  }
}
