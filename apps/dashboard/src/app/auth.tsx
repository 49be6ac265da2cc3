import { routes, type WhoAmI } from '@bulkhead/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../api/client';
import { type Action, can } from './permissions';

/**
 * Who is signed in. The session itself lives in an HttpOnly cookie the page cannot read; what the
 * page keeps is the WhoAmI answer, whose CSRF token goes with every change. When the session ends,
 * the query cache goes with it, so that whoever signs in next never sees what the last person read.
 */
type AuthState = { status: 'loading' } | { status: 'signed-out'; reason?: string } | { status: 'signed-in'; me: WhoAmI };

interface AuthContextValue {
  state: AuthState;
  me: WhoAmI | null;
  can(action: Action): boolean;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const queryClient = useQueryClient();
  const end = useCallback(
    (reason?: string) => {
      api.setCsrfToken(null);
      queryClient.clear();
      setState({ status: 'signed-out', reason });
    },
    [queryClient],
  );

  const accept = useCallback((me: WhoAmI) => {
    api.setCsrfToken(me.csrfToken);
    setState({ status: 'signed-in', me });
  }, []);

  useEffect(() => {
    let live = true;
    api
      .call(routes.whoAmI, {})
      .then((me) => live && accept(me))
      .catch((error) => {
        if (!live) return;
        const reason =
          error instanceof ApiError && error.status === 401 ? undefined : error instanceof Error ? error.message : String(error);
        setState({ status: 'signed-out', reason });
      });
    const off = api.onUnauthenticated(() => end('Your session has ended. Sign in again to continue.'));
    return () => {
      live = false;
      off();
    };
  }, [accept, end]);

  const value = useMemo<AuthContextValue>(() => {
    const me = state.status === 'signed-in' ? state.me : null;
    return {
      state,
      me,
      can: (action) => can(me?.role, action),
      signIn: async (username, password) => accept(await api.call(routes.signIn, { body: { username, password } })),
      signOut: async () => {
        try {
          await api.call(routes.signOut, {});
        } catch {
          /* the session is gone either way: expired, or closed now */
        } finally {
          end();
        }
      },
    };
  }, [state, accept, end]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
