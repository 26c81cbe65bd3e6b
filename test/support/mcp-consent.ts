import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/** Where the test MCP clients say they listen for the authorization code (never contacted: the redirect is read). */
export const consentRedirect = 'http://127.0.0.1/callback';

/** Hidden fields and the CSRF cookie of Tributary's consent page. */
export interface ConsentForm {
  session: string;
  csrf: string;
  cookie: string;
}

export function formOf(html: string, cookie: string): ConsentForm {
  const session = /name="session" value="([^"]+)"/.exec(html)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!session || !csrf) throw new Error(`no consent form in: ${html.slice(0, 500)}`);
  return { session, csrf, cookie };
}

async function postForm(authorizeEndpoint: string, form: ConsentForm, fields: Record<string, string>): Promise<Response> {
  const body = new URLSearchParams({ session: form.session, csrf: form.csrf, ...fields });
  return fetch(authorizeEndpoint, { method: 'POST', body, redirect: 'manual', headers: { cookie: form.cookie } });
}

/**
 * What a person does in the browser: opens the authorization URL the client sent them to, signs in with an API key,
 * approves with the given choices (role, read_only, products) and is redirected back. Returns the code.
 */
export async function approveInBrowser(authorizationUrl: URL, apiKey: string, choice: Record<string, string>): Promise<string> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${html.slice(0, 300)}`);
  const endpoint = `${authorizationUrl.origin}${authorizationUrl.pathname}`;
  const form = formOf(html, (page.headers.get('set-cookie') ?? '').split(';')[0]!);
  const signedIn = await postForm(endpoint, form, { action: 'sign_in', api_key: apiKey });
  const signedInHtml = await signedIn.text();
  if (signedIn.status !== 200) throw new Error(`sign-in answered ${signedIn.status}: ${signedInHtml.slice(0, 300)}`);
  const approved = await postForm(endpoint, formOf(signedInHtml, form.cookie), { action: 'approve', ...choice });
  if (approved.status !== 303) throw new Error(`approval answered ${approved.status}: ${(await approved.text()).slice(0, 300)}`);
  const back = new URL(approved.headers.get('location')!);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code in the redirect: ${back.searchParams.get('error') ?? ''}`);
  return code;
}

/** An in-memory OAuthClientProvider, as an MCP client keeps its registration, tokens and PKCE verifier. */
export class MemoryOAuthProvider implements OAuthClientProvider {
  information: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;
  readonly redirectUrl = consentRedirect;
  readonly clientMetadata = {
    client_name: 'Tool Call Client',
    redirect_uris: [consentRedirect],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  clientInformation() {
    return this.information;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.information = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}
