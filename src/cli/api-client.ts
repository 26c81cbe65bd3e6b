/** The CLI talks to a running Tributary over its REST API, like any other client. */
export interface ApiClientOptions {
  url: string;
  apiKey: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function apiClientFromEnv(flags: { url?: string | undefined; key?: string | undefined }): ApiClient {
  const url = flags.url ?? process.env['TRIBUTARY_URL'] ?? `http://127.0.0.1:${process.env['PORT'] ?? 3000}`;
  const apiKey = flags.key ?? process.env['TRIBUTARY_API_KEY'] ?? process.env['TRIBUTARY_ADMIN_KEY'];
  if (!apiKey) throw new Error('No API key: set TRIBUTARY_API_KEY (or TRIBUTARY_ADMIN_KEY), or pass --key.');
  return new ApiClient({ url, apiKey });
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.options.url.replace(/\/+$/, '')}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${this.options.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new Error(`Cannot reach Tributary at ${this.options.url}: ${(error as Error).message}. Is \`tributary serve\` running?`);
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${response.status}`);
    }
    return parsed as T;
  }
}
