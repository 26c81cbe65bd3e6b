/** The one redirect URI Tributary registers with every provider: operators configure it in their OAuth apps. */
export function callbackUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/v1/oauth/callback`;
}
