/** Paths that carry a credential (webhook trigger tokens) are logged with the token cut off. */
export function redactUrl(url: string): string {
  return url.replace(/(\/webhooks\/)[^/?#]+/, '$1[redacted]').replace(/([?&](?:code|state|token|key)=)[^&#]+/gi, '$1[redacted]');
}
