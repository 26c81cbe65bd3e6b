/**
 * Which names carry credentials: query parameters, form and JSON keys, route parameters. Judged by the words a
 * name is made of, in any case and with any separator (`access_token`, `accessToken`, `API-KEY`, `X-Amz-Signature`),
 * never by a list of spellings, so a spelling nobody listed is still caught.
 *
 * @example
 * isCredentialName('accessToken') // true
 * isCredentialName('state', 'url') // true: an OAuth state in a URL
 * isCredentialName('state') // false: in a JSON error body "state" is usually a record's state
 */
export function isCredentialName(name: string, context: 'url' | 'text' = 'text'): boolean {
  const words = wordsOf(name);
  if (words.length === 0) return false;
  if (words.some((w) => credentialWords.has(w) || (context === 'url' && urlOnlyWords.has(w)))) return true;
  // Words run together (`apikey`, `accesstoken`, `xamzsignature`) are caught by the stems they contain.
  const compact = words.join('');
  return credentialStems.some((stem) => compact.includes(stem));
}

/** `accessToken` → access, token; `X-API-KEY` → x, api, key. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** A whole word that names a credential wherever it appears. */
const credentialWords = new Set([
  'key', 'keys', 'apikey', 'secret', 'secrets', 'token', 'tokens', 'password', 'passwd', 'pwd', 'pass', 'passphrase',
  'auth', 'authorization', 'jwt', 'session', 'sid', 'cookie', 'signature', 'sig', 'hmac', 'credential', 'credentials',
  'bearer', 'otp', 'assertion', 'ticket',
]);

/**
 * Words that are credentials in a URL (an OAuth `code` or `state` in a callback) but ordinary fields in the JSON of
 * an error body (`"code": "unauthorized"`), where hiding them would hide the reason for the error.
 */
const urlOnlyWords = new Set(['code', 'state', 'nonce', 'verifier', 'hash']);

/** Parts of run-together words; long enough not to occur inside ordinary words. */
const credentialStems = ['token', 'secret', 'passw', 'apikey', 'credential', 'signature', 'session', 'jwt', 'cookie', 'authoriz', 'privatekey', 'accesskey'];
