// Who is signed in. Before the server has /auth (404), the UI runs without a session.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrf, type Session } from './api';

export type SessionState =
  | { state: 'loading' }
  | { state: 'signed-in'; session: Session }
  | { state: 'signed-out' }
  | { state: 'no-auth' };

interface Ctx { session: SessionState; setSession: (s: Session | null) => void }
const SessionContext = createContext<Ctx>({ session: { state: 'loading' }, setSession: () => {} });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, set] = useState<SessionState>({ state: 'loading' });

  useEffect(() => {
    api.me().then(
      (s) => {
        setCsrf(s.csrf_token);
        set({ state: 'signed-in', session: s });
      },
      (e: unknown) => {
        const status = e instanceof ApiError ? e.status : 0;
        set(status === 404 || status === 405 ? { state: 'no-auth' } : { state: 'signed-out' });
      },
    );
  }, []);

  function setSession(s: Session | null) {
    if (s) {
      setCsrf(s.csrf_token);
      set({ state: 'signed-in', session: s });
    } else {
      setCsrf('');
      set({ state: 'signed-out' });
    }
  }

  return <SessionContext.Provider value={{ session, setSession }}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);

/** Whether the person may see settings: admins, or anyone when the server has no sign-in. */
export function useIsAdmin(): boolean {
  const { session } = useSession();
  return session.state === 'no-auth' || (session.state === 'signed-in' && session.session.user.role === 'admin');
}
