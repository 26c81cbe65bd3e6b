/**
 * A headless user at an authorization server's dev-interaction pages: follows redirects by hand with a cookie
 * jar, signs in, gives consent (or aborts), and stops at the first redirect to `stopAt` (our callback), which it
 * returns instead of fetching — the test hands it to Tributary with inject(), as the browser would.
 */
export async function authorizeInBrowser(authorizeUrl: string, options: { stopAt: string; login?: string; deny?: boolean }): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = authorizeUrl;
  let method: 'GET' | 'POST' = 'GET';
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(options.stopAt)) return new URL(url);
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(body ? { body } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
    method = 'GET';
    body = undefined;
    const location = response.headers.get('location');
    if (location) {
      await response.body?.cancel();
      url = new URL(location, url).href;
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`authorization server answered ${response.status}: ${html.slice(0, 300)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!prompt || !action) throw new Error(`unexpected page at ${url}: ${html.slice(0, 300)}`);
    if (options.deny) {
      url = new URL(`${new URL(action, url).pathname}/abort`, url).href;
      continue;
    }
    url = new URL(action, url).href;
    method = 'POST';
    body = new URLSearchParams(prompt === 'login' ? { prompt, login: options.login ?? 'alice', password: 'any' } : { prompt });
  }
  throw new Error('too many redirects at the authorization server');
}
