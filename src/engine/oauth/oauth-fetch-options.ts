import * as oauth from 'oauth4webapi';
import { createGuardedFetch } from '../../http-client/index.js';
import { guardFor } from '../connection-http.js';

/**
 * Options for every oauth4webapi call: its HTTP goes through our SSRF guard (the same dispatcher as the
 * connections' own calls). `allowInsecureRequests` only lifts oauth4webapi's own https check, because the
 * guarded fetch already refuses plain http except to the operator's allowlisted private hosts (sandboxes).
 */
export function oauthFetchOptions(allowPrivateHosts: string[]): { [oauth.customFetch]: typeof fetch; [oauth.allowInsecureRequests]: true } {
  const guarded = createGuardedFetch(guardFor(allowPrivateHosts), allowPrivateHosts);
  return {
    [oauth.customFetch]: guarded as unknown as typeof fetch,
    [oauth.allowInsecureRequests]: true,
  };
}
