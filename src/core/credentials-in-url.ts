import { isCredentialName } from '../contracts/credential-names.js';
import { AppError } from '../contracts/errors.js';
import type { Manifest } from '../contracts/manifest.js';

/**
 * Refuses a URL setting that carries a credential — userinfo (`https://user:pass@host`) or a credential-named
 * query parameter (`?api_key=`, `?accessToken=`) — because settings are stored and shown in clear, to viewers
 * too. Refusing is simpler and more honest than moving part of a URL into the vault: the credential belongs in
 * the connector's credential fields, which are encrypted and never shown.
 */
export function refuseCredentialsInUrl(url: URL, name: string, credentialFieldsHint: string): void {
  const hasUserinfo = url.username !== '' || url.password !== '';
  const param = [...url.searchParams.keys()].find((key) => isCredentialName(key, 'url'));
  if (!hasUserinfo && param === undefined) return;
  const what = hasUserinfo ? 'a user name or password (user:password@host)' : `a credential parameter (${param})`;
  throw new AppError('credentials_in_url', `${name} must not carry ${what}: settings are stored and shown in clear. Put the credential in ${credentialFieldsHint || "the connector's credential fields"}.`, { field: name });
}

/** `fields.token` or `fields.username and fields.password`: where a credential goes for this connector. */
export function credentialFieldsOf(manifest: Manifest): string {
  // The secret fields, and the account name that goes with a password in Basic auth (Jira's email).
  const names = manifest.fields.filter((f) => f.secret || /^(user(name)?|email|login|account)$/.test(f.key)).map((f) => `fields.${f.key}`);
  if (names.length === 0) return '';
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
