import { basicOf, bearerOf, type SandboxOAuth, type SandboxRequest, type SandboxResponse } from '../../kit/sandbox/index.js';
import { gatewayError, messages } from './responses.js';

/**
 * Who a request comes from, by the host it stands for, since one origin plays three Atlassian hosts:
 * - the site (`/rest/api/3/…`) takes HTTP Basic with the account's email (in any case) and the API token; no
 *   header at all is an anonymous user who may browse nothing; a wrong email or token is Jira's plain-text 401
 *   (it cannot tell a token from a password), and a bearer token there a JSON 401;
 * - the gateway (`/ex/jira/<cloud id>/…`) takes OAuth bearer tokens and Basic with an API token, and
 *   `/oauth/token/accessible-resources` bearer tokens only, refusing anything else with its own `{ code, message }`.
 * The manifest's check cannot say this, so it is the simulator's `authorize`.
 */
export type Caller = { kind: 'user'; credential: string } | { kind: 'anonymous' } | { kind: 'refused'; response: SandboxResponse };

export const gatewayPath = /^\/ex\/jira\/([^/]+)(\/.*)?$/;
export const accessibleResourcesPath = '/oauth/token/accessible-resources';

export function callers(account: { email: string; token: string; oauth: SandboxOAuth }): (req: SandboxRequest) => Caller {
  const basicUser = (req: SandboxRequest): Caller | null => {
    const basic = basicOf(req);
    if (!basic) return null;
    if (basic.username.toLowerCase() === account.email && basic.password === account.token) return { kind: 'user', credential: `basic:${basic.username}` };
    return { kind: 'refused', response: { status: 401, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: messages.basicFailed } };
  };
  return (req) => {
    const path = req.url.pathname;
    if (gatewayPath.test(path) || path === accessibleResourcesPath) {
      const bearer = bearerOf(req);
      if (bearer !== null && account.oauth.accepts(bearer)) return { kind: 'user', credential: 'oauth' };
      const basic = path === accessibleResourcesPath ? null : basicUser(req);
      return basic?.kind === 'user' ? basic : { kind: 'refused', response: gatewayError(401, 'Unauthorized') };
    }
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === '') return { kind: 'anonymous' };
    // An OAuth token sent to the site instead of the gateway.
    return basicUser(req) ?? { kind: 'refused', response: { status: 401, body: { message: messages.bearerOnSite, 'status-code': 401 } } };
  };
}
