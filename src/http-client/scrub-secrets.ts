const REDACTED = '[REDACTED]';

/** Shorter strings would mangle ordinary text and cannot be meaningful credentials. */
const MIN_SECRET_LENGTH = 4;

/**
 * Returns a function that replaces every configured secret in a text, in the raw and URL-encoded spellings a
 * provider may echo back (an error body quoting the request URL, for instance).
 */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(new URLSearchParams({ s: secret }).toString().slice(2));
  }
  // Longest first, so a secret that contains another is removed whole.
  const ordered = [...variants].sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((acc, secret) => acc.split(secret).join(REDACTED), text);
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
    if (!/auth|token|key|secret|cookie|session|password/i.test(name)) continue;
    out.push(value);
    // "Bearer abc" / "Basic abc": the credential alone may be echoed without its scheme.
    const parts = value.split(/\s+/);
    if (parts.length === 2 && parts[1]) out.push(parts[1]);
  }
  return out;
}
