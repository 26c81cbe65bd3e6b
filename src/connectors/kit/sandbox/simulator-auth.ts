import type { Manifest } from '../../../contracts/manifest.js';
import type { SandboxRequest } from './sandbox-http.js';

/**
 * The simulator's credential check, read from the manifest: the headers and query parameters `auth` names, filled
 * the way the engine fills them (a field the provider does not set is the sandbox token), HTTP Basic from
 * `auth.basic`, and an OAuth connection's `oauth.auth_headers`. A request passes when every value of one of
 * these ways matches; so a connector that sends the wrong header, or the right token in the wrong place, is
 * refused as the provider would refuse it.
 *
 * @example
 * ```ts
 * const values: CredentialValues = { token: 'sandbox-token', fields: { email: 'ops@example.com' } };
 * ```
 */
export interface CredentialValues {
  token: string;
  fields?: Record<string, string>;
  config?: Record<string, unknown>;
}

type Expected = { headers: Record<string, string>; query: Record<string, string> };

/**
 * A predicate that accepts the requests carrying the sandbox's credentials the manifest's way.
 *
 * @example
 * ```ts
 * const accepts = credentialCheck(manifest, { token: 'sandbox_token' });
 * if (!accepts(req)) return error(401, 'unauthorized', 'Invalid credentials');
 * ```
 */
export function credentialCheck(manifest: Pick<Manifest, 'auth' | 'oauth' | 'auth_mode'>, values: CredentialValues): (req: SandboxRequest) => boolean {
  if (manifest.auth_mode === 'none') return () => true;
  const fill = (template: string): string =>
    template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_m, expression: string) => {
      const [namespace, ...rest] = expression.split('.');
      const key = rest.join('.');
      if (namespace === 'config') return String(values.config?.[key] ?? '');
      return values.fields?.[key] ?? values.token;
    });
  const ways: Expected[] = [];
  const main: Expected = { headers: {}, query: {} };
  for (const [name, template] of Object.entries(manifest.auth.headers)) main.headers[name.toLowerCase()] = fill(template);
  for (const [name, template] of Object.entries(manifest.auth.query)) main.query[name] = fill(template);
  if (manifest.auth.basic) {
    const pair = `${fill(manifest.auth.basic.username)}:${fill(manifest.auth.basic.password)}`;
    main.headers['authorization'] = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }
  ways.push(main);
  const oauthHeaders = manifest.oauth?.auth_headers;
  if (oauthHeaders) {
    const oauth: Expected = { headers: {}, query: main.query };
    // An OAuth connection's access token is the sandbox token, whichever field the template names.
    for (const [name, template] of Object.entries(oauthHeaders)) {
      oauth.headers[name.toLowerCase()] = template.replace(/\{\{\s*fields\.[^{}]*?\s*\}\}/g, values.token);
    }
    ways.push(oauth);
  }
  return (req) => ways.some((way) => matches(req, way));
}

function matches(req: SandboxRequest, expected: Expected): boolean {
  for (const [name, value] of Object.entries(expected.headers)) {
    const sent = req.headers[name];
    if ((Array.isArray(sent) ? sent[0] : sent)?.trim() !== value) return false;
  }
  for (const [name, value] of Object.entries(expected.query)) {
    if (req.url.searchParams.get(name) !== value) return false;
  }
  return Object.keys(expected.headers).length + Object.keys(expected.query).length > 0;
}
