/**
 * A call to a Tributary running in another process (the process suites: crash, shutdown, data folder), over real
 * HTTP on loopback with a bearer key: the status and the parsed JSON body, of the type the caller names (a
 * response type from src/contracts/api, see api-types.ts); `unknown` until it does.
 */
export async function callApi<T = unknown>(port: number, key: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}
