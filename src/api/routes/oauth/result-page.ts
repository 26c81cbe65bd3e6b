const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!);
}

/**
 * The page a popup lands on when the authorization named no return URL. No script, no links, no outside
 * resources (the response's CSP forbids them all), so the code and state in this page's URL go nowhere.
 */
export function resultPage(ok: boolean, detail: string): string {
  const title = ok ? 'Connected' : 'Connection failed';
  const line = ok ? 'Connected, you can close this window.' : escapeHtml(detail);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Tributary</title>
<style>body{font:16px system-ui,sans-serif;margin:4rem auto;max-width:32rem;padding:0 1rem;color:#1f2328}h1{font-size:1.4rem}</style></head>
<body><h1>${title}</h1><p>${line}</p></body></html>
`;
}

/** Headers for every callback answer: never cached, never leaking the callback URL (code, state) as a Referer. */
export const callbackHeaders = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
} as const;
