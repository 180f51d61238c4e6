import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { ApiClient } from '../api/client.ts';
import { clearKey, loadKey, replaceKey, saveKey } from './session.ts';

interface Auth {
  client: ApiClient | null;
  /** Checks the key against the API (GET /models/) and keeps it when it works; throws ApiError otherwise. */
  signIn(apiKey: string, remember: boolean): Promise<void>;
  signOut(reason?: string): void;
  /** Keeps using the session with a rotated key (stored where the old one was). */
  replaceKey(apiKey: string): void;
  /** Why the last session ended (an expired key), shown on the sign-in page. */
  signedOutReason: string | null;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children, fetchImpl }: { children: ReactNode; fetchImpl?: typeof fetch }) {
  const queryClient = useQueryClient();
  const [apiKey, setApiKey] = useState<string | null>(() => loadKey());
  // The key in use now: a 401 to a request still in flight with a rotated-away key must not sign out.
  const current = useRef(apiKey);
  current.current = apiKey;
  const [signedOutReason, setReason] = useState<string | null>(null);

  const signOut = useCallback(
    (reason?: string) => {
      clearKey();
      setApiKey(null);
      setReason(reason ?? null);
      queryClient.clear();
    },
    [queryClient],
  );

  const client = useMemo(
    () =>
      apiKey
        ? new ApiClient({
            apiKey,
            fetch: fetchImpl,
            onUnauthorized: () => {
              if (current.current === apiKey)
                signOut('Your API key was refused (unknown, revoked or expired). Sign in again.');
            },
          })
        : null,
    [apiKey, fetchImpl, signOut],
  );

  const signIn = useCallback(
    async (key: string, remember: boolean) => {
      const trimmed = key.trim();
      await new ApiClient({ apiKey: trimmed, fetch: fetchImpl }).models();
      saveKey(trimmed, remember);
      setReason(null);
      setApiKey(trimmed);
    },
    [fetchImpl],
  );

  const replace = useCallback((key: string) => {
    replaceKey(key);
    current.current = key;
    setApiKey(key);
  }, []);

  const value = useMemo(
    () => ({ client, signIn, signOut, replaceKey: replace, signedOutReason }),
    [client, signIn, signOut, replace, signedOutReason],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** The signed-in client; pages under the signed-in layout only. */
export function useApi(): ApiClient {
  const { client } = useAuth();
  if (!client) throw new Error('useApi without a signed-in key');
  return client;
}
