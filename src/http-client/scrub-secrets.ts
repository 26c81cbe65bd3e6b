import { isCredentialName } from '../contracts/credential-names.js';
import { redactCredentialsInText } from '../contracts/redact-credentials.js';

const REDACTED = '[REDACTED]';

/** Shorter strings would mangle ordinary text and cannot be meaningful credentials. */
const MIN_SECRET_LENGTH = 4;

/**
 * Secrets at least this long are also recognised by their head and tail: providers quote a refused key masked
 * (`sk_test_****…abcd`, `ghp_ABCD…`), and a masked key still shows part of the secret.
 */
const FRAGMENT_MIN_LENGTH = 8;

/**
 * Returns a function that removes every configured secret from a text — whole, in the raw and URL-encoded
 * spellings a provider may echo back, and any word that holds its first 8 or last 4 characters (a masked
 * quote) — and then every credential the text's structure shows (URL userinfo and credential-named
 * parameters, `Bearer …`; see `redactCredentialsInText`). A secret is removed whole, never partly shown.
 */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  const variants = new Set<string>();
  const fragments = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(new URLSearchParams({ s: secret }).toString().slice(2));
    if (secret.length >= FRAGMENT_MIN_LENGTH) {
      fragments.add(secret.slice(-4));
      fragments.add(secret.slice(0, Math.min(8, secret.length - 1)));
    }
  }
  // Longest first, so a secret that contains another is removed whole.
  const ordered = [...variants].sort((a, b) => b.length - a.length);
  const pieces = [...fragments];
  const removeFragments = (text: string) =>
    pieces.length === 0 ? text : text.replace(/[^\s"'`<>()[\]{},;]+/g, (word) => (word !== REDACTED && pieces.some((piece) => word.includes(piece)) ? REDACTED : word));
  return (text) => redactCredentialsInText(removeFragments(ordered.reduce((acc, secret) => acc.split(secret).join(REDACTED), text)));
}

/**
 * A single-line excerpt of at most `max` characters with secrets removed. The whole text is scrubbed before
 * the cut: scrubbing only a window could leave the head of a secret that straddled the window's end.
 */
export function boundedSnippet(text: string, secrets: readonly string[], max = 300): string {
  const clean = createScrubber(secrets)(text).replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Header values that are credentials by name, so they are scrubbed even if the caller forgot to list them. */
export function secretsFromHeaders(headers: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!isCredentialName(name)) continue;
    out.push(value);
    // "Bearer abc" / "Basic abc": the credential alone may be echoed without its scheme.
    const parts = value.split(/\s+/);
    if (parts.length === 2 && parts[1]) out.push(parts[1]);
  }
  return out;
}
