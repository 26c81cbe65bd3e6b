import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RoleSchema } from '../../../contracts/roles.js';
import { approveAuthorization } from '../../../services/mcp-auth/approve-authorization.js';
import { checkAuthorizationRequest, errorRedirect } from '../../../services/mcp-auth/authorization-request.js';
import { newConsentSession, openConsentSession, sealConsentSession, type ConsentSession } from '../../../services/mcp-auth/consent-session.js';
import { signInForConsent } from '../../../services/mcp-auth/consent-sign-in.js';
import type { McpAuthDeps } from '../../../services/mcp-auth/resolve-mcp-client.js';
import type { AddressRateLimit } from './address-rate-limit.js';
import { approvePage, consentHeaders, errorPage, signInPage } from './consent-page.js';
import type { FormBody } from './form-body.js';

/** The double-submit cookie: the form's CSRF token must equal it, so only a browser that loaded our page can post it. */
const csrfCookie = 'trb_mcp_consent';

/**
 * GET /oauth2/authorize checks the request and shows the consent page; POST /oauth2/authorize is that page's form
 * (sign in, then approve or deny). The browser ends at the client's redirect URI with a code or an error, or on
 * an error page when there is no redirect URI to trust.
 */
export async function authorizeRoutes(app: FastifyInstance, deps: McpAuthDeps, signInLimit: AddressRateLimit): Promise<void> {
  const secureCookie = deps.config.publicUrl.startsWith('https:');

  app.get('/oauth2/authorize', { schema: { hide: true, summary: 'OAuth 2.1 authorization endpoint for MCP clients (consent page)' } }, async (request, reply) => {
    const checked = await checkAuthorizationRequest(deps, request.query as Record<string, unknown>);
    if (!checked.ok && 'page' in checked) return reply.status(400).headers(consentHeaders()).send(errorPage(checked.page));
    if (!checked.ok) return reply.header('cache-control', 'no-store').redirect(checked.redirect, 302);
    const session = newConsentSession(checked.request);
    reply.header('set-cookie', `${csrfCookie}=${session.csrf}; Path=/oauth2/authorize; HttpOnly; SameSite=Strict; Max-Age=600${secureCookie ? '; Secure' : ''}`);
    return reply.headers(consentHeaders(session.request.redirectUri)).send(signInPage(session, sealConsentSession(deps.vault, session)));
  });

  app.post('/oauth2/authorize', { schema: { hide: true, summary: 'The consent form: sign in, then approve or deny' } }, async (request, reply) => {
    const form = (request.body ?? {}) as FormBody;
    const field = (name: string): string | undefined => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    const sealed = field('session');
    const session = sealed ? openConsentSession(deps.vault, sealed) : undefined;
    if (!session) return reply.status(400).headers(consentHeaders()).send(errorPage('This authorization form has expired or was altered. Start again from your MCP client.'));
    const csrf = field('csrf');
    if (!csrf || csrf !== session.csrf || cookieValue(request, csrfCookie) !== csrf) {
      return reply.status(403).headers(consentHeaders()).send(errorPage('The form could not be verified (missing or mismatched CSRF token). Start again from your MCP client.'));
    }
    const { request: authz } = session;
    const redirectTo = (url: string) => reply.header('cache-control', 'no-store').header('set-cookie', `${csrfCookie}=; Path=/oauth2/authorize; Max-Age=0`).redirect(url, 303);
    switch (field('action')) {
      case 'deny':
        return redirectTo(errorRedirect(deps.config.publicUrl, authz.redirectUri, authz.state, 'access_denied', 'The member denied the request.'));
      case 'sign_in':
        return signIn(deps, signInLimit, request, reply, session, sealed!, field('api_key') ?? '');
      case 'approve': {
        if (!session.signIn) return renderSignIn(reply, session, sealed!, 400, 'Sign in first.');
        const role = RoleSchema.safeParse(field('role'));
        if (!role.success) return renderApprove(reply, session, sealed!, 400, 'Pick a role ceiling.');
        const picked = form['products'];
        let products: string[] | null;
        if (session.signIn.products !== null) {
          products = picked === undefined ? [] : Array.isArray(picked) ? picked : [picked];
          if (products.length === 0) return renderApprove(reply, session, sealed!, 400, 'Pick at least one product.');
        } else {
          const list = (typeof picked === 'string' ? picked : '').split(',').map((p) => p.trim()).filter(Boolean);
          products = list.length > 0 ? [...new Set(list)] : null;
        }
        const outcome = await approveAuthorization(deps, session, { role: role.data, readOnly: field('read_only') === 'on', products });
        if (!outcome.ok) return renderApprove(reply, session, sealed!, 400, outcome.problem);
        return redirectTo(outcome.redirect);
      }
      default:
        return renderSignIn(reply, session, sealed!, 400, 'Choose Continue, Approve or Deny.');
    }
  });
}

async function signIn(deps: McpAuthDeps, signInLimit: AddressRateLimit, request: FastifyRequest, reply: FastifyReply, session: ConsentSession, sealed: string, apiKey: string): Promise<FastifyReply> {
  if (!signInLimit.take(request.ip)) return renderSignIn(reply, session, sealed, 429, 'Too many sign-in attempts; wait a minute and try again.');
  const signedIn = apiKey.trim() ? await signInForConsent(deps, apiKey) : undefined;
  if (!signedIn) return renderSignIn(reply, session, sealed, 401, 'That API key is not valid or has been revoked.');
  const next: ConsentSession = { ...session, signIn: signedIn };
  return renderApprove(reply, next, sealConsentSession(deps.vault, next), 200);
}

function renderSignIn(reply: FastifyReply, session: ConsentSession, sealed: string, status: number, problem?: string): FastifyReply {
  return reply.status(status).headers(consentHeaders(session.request.redirectUri)).send(signInPage(session, sealed, problem));
}

function renderApprove(reply: FastifyReply, session: ConsentSession, sealed: string, status: number, problem?: string): FastifyReply {
  return reply.status(status).headers(consentHeaders(session.request.redirectUri)).send(approvePage(session, sealed, problem));
}

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
