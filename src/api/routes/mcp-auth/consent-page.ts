import { roles, type Role } from '../../../contracts/roles.js';
import type { ConsentSession } from '../../../services/mcp-auth/consent-session.js';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!);
}

const style =
  'body{font:16px system-ui,sans-serif;margin:3rem auto;max-width:34rem;padding:0 1rem;color:#1f2328}h1{font-size:1.4rem}' +
  'label{display:block;margin:.8rem 0 .3rem}input[type=password],input[type=text],select{width:100%;padding:.4rem;box-sizing:border-box}' +
  '.who{background:#f6f8fa;padding:.6rem .8rem;border-radius:6px}.error{color:#b42318}.buttons{margin-top:1.2rem;display:flex;gap:.6rem}' +
  'button{padding:.5rem 1rem}code{word-break:break-all}';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} · Tributary</title>
<style>${style}</style></head>
<body>${body}</body></html>
`;
}

/** Who is asking, as far as we can vouch: a metadata-document client is named by its URL's host, which we fetched. */
function clientLine(session: ConsentSession): string {
  const { clientId, clientName, redirectUri } = session.request;
  const name = esc(clientName ?? 'An MCP client');
  // A metadata document's host is the one fact we checked; a registered client's name is only what it told us.
  const origin = /^https?:\/\//.test(clientId) ? ` (<code>${esc(new URL(clientId).host)}</code>)` : ' (name given at registration, not verified)';
  const scope = session.request.readOnlyRequested ? 'read-only access' : 'access';
  return `<p class="who"><strong>${name}</strong>${origin} asks for ${scope} to your Tributary data through the MCP server. You will be sent back to <code>${esc(new URL(redirectUri).origin)}</code>.</p>`;
}

function hidden(sealed: string, csrf: string): string {
  return `<input type="hidden" name="session" value="${esc(sealed)}"><input type="hidden" name="csrf" value="${esc(csrf)}">`;
}

function problemLine(problem: string | undefined): string {
  return problem ? `<p class="error" role="alert">${esc(problem)}</p>` : '';
}

/** Step one: sign in with an API key (members have no password until the web console brings sessions). */
export function signInPage(session: ConsentSession, sealed: string, problem?: string): string {
  return page(
    'Authorize an MCP client',
    `<h1>Authorize an MCP client</h1>${clientLine(session)}${problemLine(problem)}
<form method="post" action="/oauth2/authorize">${hidden(sealed, session.csrf)}
<label for="api_key">Sign in with one of your API keys (or an owner key)</label>
<input id="api_key" name="api_key" type="password" autocomplete="off" required>
<div class="buttons"><button type="submit" name="action" value="sign_in">Continue</button>
<button type="submit" name="action" value="deny" formnovalidate>Deny</button></div></form>`,
  );
}

/** Step two: the workspace (the key's), the role ceiling, read-only and the products; approve or deny. */
export function approvePage(session: ConsentSession, sealed: string, problem?: string): string {
  const signIn = session.signIn!;
  const allowed = roles.slice(0, roles.indexOf(signIn.role) + 1);
  const options = allowed.map((r: Role) => `<option value="${r}"${r === signIn.role ? ' selected' : ''}>${r}</option>`).join('');
  const forcedReadOnly = signIn.readOnly || session.request.readOnlyRequested;
  const readOnly = forcedReadOnly
    ? '<p><input type="checkbox" checked disabled> Read-only (required by the key or the client)</p><input type="hidden" name="read_only" value="on">'
    : '<label><input type="checkbox" name="read_only" value="on"> Read-only: the client may read but change nothing</label>';
  const products =
    signIn.products === null
      ? '<label for="products">Limit to products (comma-separated; empty for every product)</label><input id="products" name="products" type="text" autocomplete="off">'
      : `<fieldset><legend>Products</legend>${signIn.products
          .map((p) => `<label><input type="checkbox" name="products" value="${esc(p)}" checked> ${esc(p)}</label>`)
          .join('')}</fieldset>`;
  return page(
    'Authorize an MCP client',
    `<h1>Authorize an MCP client</h1>${clientLine(session)}${problemLine(problem)}
<form method="post" action="/oauth2/authorize">${hidden(sealed, session.csrf)}
<p>Workspace: <strong>${esc(signIn.workspaceName)}</strong></p>
<label for="role">Role ceiling (the client can do at most what this role may)</label>
<select id="role" name="role">${options}</select>
${readOnly}
${products}
<div class="buttons"><button type="submit" name="action" value="approve">Approve</button>
<button type="submit" name="action" value="deny">Deny</button></div></form>`,
  );
}

/** When nothing can be sent back to the client (no trustworthy redirect URI, a forged or stale form). */
export function errorPage(message: string): string {
  return page('Authorization failed', `<h1>Authorization failed</h1><p class="error">${esc(message)}</p>`);
}

/**
 * No outside resources, no script, no framing (clickjacking: frame-ancestors and X-Frame-Options), never cached,
 * no Referer. form-action admits our own form and the client's redirect origin: browsers check the redirect
 * that follows a form submission against it.
 */
export function consentHeaders(redirectUri?: string): Record<string, string> {
  const formAction = redirectUri ? `'self' ${new URL(redirectUri).origin}` : "'self'";
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
  };
}
