/**
 * DNS-rebinding protection (the MCP transport specification's MUST): a browser page on another site that resolves
 * its name to this server still sends its own Origin, so only the public URL's origin and the configured ones pass.
 * Requests without Origin come from non-browser clients (desktop apps, SDKs, curl) and pass; they need a credential.
 */
export function isAllowedOrigin(origin: string | undefined, publicUrl: string, allowedOrigins: readonly string[]): boolean {
  if (origin === undefined) return true;
  let parsed: string;
  try {
    parsed = new URL(origin).origin;
  } catch {
    return false;
  }
  // `null` (sandboxed frames, file://) parses to the opaque origin "null": never allowed.
  if (parsed === 'null') return false;
  return parsed === new URL(publicUrl).origin || allowedOrigins.includes(parsed);
}
