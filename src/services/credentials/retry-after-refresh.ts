import type { HttpClient, HttpRequest, HttpResponse } from '../../http-client/http-types.js';
import { isHttpError } from '../../http-client/index.js';
import type { ConnectionSecrets } from './connection-secrets.js';

/** Given the secrets a provider just refused, fresher ones (another worker's or a new refresh), or null. */
export type RefreshSecrets = (rejected: ConnectionSecrets) => Promise<ConnectionSecrets | null>;

/** A provider that keeps refusing fresh tokens is not fixed by refreshing more: stop after this many. */
const MAX_REFRESHES = 3;

/**
 * A connection's client that survives an access token revoked or expired early: a 401 asks for fresher secrets
 * once (concurrent 401s share one refresh) and repeats that request once with them. Later requests use the
 * new token. A second 401 is the provider's final answer and fails the request as usual.
 */
export function retryAfterRefresh(build: (secrets: ConnectionSecrets) => HttpClient, secrets: ConnectionSecrets, refresh: RefreshSecrets): HttpClient {
  let current = { secrets, http: build(secrets) };
  let pending: Promise<void> | null = null;
  let refreshes = 0;

  async function renew(rejected: typeof current): Promise<void> {
    if (current !== rejected) return;
    if (!pending) {
      refreshes++;
      pending = refresh(rejected.secrets)
        .then((fresh) => {
          if (fresh?.oauth && fresh.oauth.access_token !== rejected.secrets.oauth?.access_token) current = { secrets: fresh, http: build(fresh) };
        })
        .finally(() => {
          pending = null;
        });
    }
    await pending;
  }

  async function request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const used = current;
    try {
      return await used.http.request<T>(req);
    } catch (error) {
      if (!isHttpError(error) || error.status !== 401 || refreshes >= MAX_REFRESHES) throw error;
      await renew(used);
      if (current === used) throw error;
      return current.http.request<T>(req);
    }
  }

  return {
    request,
    get: (url, query, init) => request({ ...init, url, query, method: 'GET' }),
  };
}
