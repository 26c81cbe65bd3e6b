import { isCredentialName } from '../contracts/credential-names.js';
import { redactUrlCredentials } from '../contracts/redact-credentials.js';

/**
 * A request URL fit for a log line or an error message: the webhook token (whatever the path's case or repeated
 * slashes), credential-named query parameters in any spelling, and userinfo are replaced by `[redacted]`.
 */
export function redactUrl(url: string): string {
  return redactUrlCredentials(url);
}

/**
 * An `onRoute` hook: a route with a credential-named parameter (`/webhooks/:token`) that `redactUrl` would not
 * hide fails the start-up, so a new token route cannot reach the request log in clear.
 */
export function refuseUnredactedCredentialRoute(route: { url: string }): void {
  for (const [, name] of route.url.matchAll(/:([A-Za-z_][\w]*)/g)) {
    if (!isCredentialName(name!)) continue;
    const probe = 'CREDENTIAL-PROBE';
    if (redactUrl(route.url.replace(`:${name}`, probe)).includes(probe)) {
      throw new Error(`Route ${route.url}: its parameter :${name} is a credential that request logs would show; add its route segment to credentialRouteSegments.`);
    }
  }
}
