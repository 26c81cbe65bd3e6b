import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/**
 * Test-only: a real HTTP server on 127.0.0.1 with an ephemeral port, recording what reaches it. The toolkit's
 * tests use real sockets rather than a mocked fetch, because resets, truncation and connect-time SSRF checks
 * only exist on a real connection.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted, including ones that never sent a request. */
  connections: number;
  close(): Promise<void>;
}

export type TestHandler = (req: IncomingMessage, res: ServerResponse, index: number, body: string) => void;

export async function startTestServer(handler: TestHandler = (_req, res) => res.end('ok')): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const state = { connections: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const index = requests.length;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, index, body);
    });
  });
  server.on('connection', () => {
    state.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** JSON response helper. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * For a test file: `const serve = servedPerTest()` at its top level gives `serve(handler)`, whose servers are all
 * closed after each test.
 */
export function servedPerTest(): (handler: TestHandler) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (handler) => {
    const server = await startTestServer(handler);
    servers.push(server);
    return server;
  };
}
