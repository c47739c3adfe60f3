import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { ApiError, api, call, onSessionExpired, type Schemas, setCsrfToken } from './client';

export type User = Schemas['UserDto'];
export type Role = Schemas['Role'];

/** What a person may do in the console; the API refuses the same things anyway. */
const ALLOWED: Record<string, Role[]> = {
  'customers.write': ['admin', 'sales', 'erp'],
  'crm.write': ['admin', 'sales'],
  'opportunities.write': ['admin', 'sales'],
  'orders.write': ['admin', 'sales', 'erp'],
  'holds.write': ['admin', 'sales'],
  'payments.write': ['admin', 'finance', 'erp'],
  'refunds.write': ['admin', 'finance'],
  'shipments.write': ['admin', 'operations', 'erp'],
  'snapshots.write': ['admin', 'finance'],
  admin: ['admin'],
};
export type Action = keyof typeof ALLOWED;

export const ME_KEY = ['/api/v1/auth/me'];

interface SessionValue {
  user: User | null;
  loading: boolean;
  can(action: Action): boolean;
}

const SessionContext = createContext<SessionValue>({
  user: null,
  loading: true,
  can: () => false,
});

async function fetchMe(): Promise<Schemas['SessionDto'] | null> {
  try {
    const session = await call(api.GET('/api/v1/auth/me'));
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

/** The signed-in person, from `/auth/me`; a 401 anywhere afterwards signs them out here too. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const me = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Infinity, retry: false });
  useEffect(
    () =>
      onSessionExpired(() => {
        client.setQueryData(ME_KEY, null);
      }),
    [client],
  );
  const user = me.data?.user ?? null;
  const value: SessionValue = {
    user,
    loading: me.isPending,
    can: (action) => !!user && ALLOWED[action].includes(user.role),
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);

/** Stores a fresh session (after sign-in) so every page sees it at once. */
export function useSignedIn() {
  const client = useQueryClient();
  return (session: Schemas['SessionDto']) => {
    setCsrfToken(session.csrfToken);
    client.setQueryData(ME_KEY, session);
  };
}
