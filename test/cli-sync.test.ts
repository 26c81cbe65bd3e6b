import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../src/cli/api-client.js';
import { connectCommand } from '../src/cli/commands/connect.js';
import { syncCommand } from '../src/cli/commands/sync.js';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

/** The CLI is an API client: these drive `sync --wait` against a real listening server. */
describe('tributary sync --wait', () => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let client: ApiClient;
  let connectionId: string;

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 1500, seed: 11 });
    rt = await startTestRuntime('pglite', { allowPrivateHosts: [new URL(sandbox.url).host] });
    const url = await rt.app!.listen({ port: 0, host: '127.0.0.1' });
    client = new ApiClient({ url, apiKey: rt.bootstrap!.apiKey });
    const created = await client.request<{ id: string }>('POST', '/connections', { connector: 'github', fields: { token: sandbox.token }, config: { base_url: sandbox.url } });
    connectionId = created.id;
  });
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  const capture = (tty: boolean) => {
    const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
    stream.isTTY = tty;
    let text = '';
    stream.on('data', (chunk) => (text += String(chunk)));
    return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
  };

  it('prints plain lines when not on a terminal and exits 0 on success', async () => {
    const out = capture(false);
    const code = await syncCommand(client, connectionId, { wait: true, full: true, out: out.stream });
    expect(code).toBe(0);
    const lines = out.text().trim().split('\n');
    expect(lines[0]).toMatch(/^Run run_\w+ queued\.$/);
    expect(out.text()).not.toContain('\r');
    expect(lines.at(-1)).toMatch(/^COMPLETED: \d+ created, 0 updated, 0 unchanged, 0 deleted, 0 failed$/);
  });

  it('redraws one line on a terminal', async () => {
    const out = capture(true);
    const code = await syncCommand(client, connectionId, { wait: true, full: true, out: out.stream });
    expect(code).toBe(0);
    expect(out.text()).toContain('\r\x1b[2K');
    expect(out.text()).toMatch(/COMPLETED: 0 created, 0 updated, \d+ unchanged/);
  });

  it('surfaces API errors with their code', async () => {
    await expect(syncCommand(client, 'conn_missing', { wait: false, full: false, out: capture(false).stream })).rejects.toMatchObject({
      status: 404,
      code: 'connection_not_found',
    } satisfies Partial<ApiError>);
  });

  it('connect: a refused token shows the provider reason and suggests --no-verify, which saves it pending', async () => {
    const flags = { field: { token: 'ghp_cli_wrong_token_0000' }, config: { base_url: sandbox.url }, verify: true };
    const refused = await connectCommand(client, 'github', flags, capture(false).stream).then(
      () => null,
      (error: Error) => error,
    );
    expect(refused?.message).toMatch(/GitHub refused the credentials: .*Bad credentials/);
    expect(refused?.message).toMatch(/add --no-verify/);
    expect(refused?.message).not.toContain('ghp_cli_wrong_token_0000');
    const out = capture(false);
    await connectCommand(client, 'github', { ...flags, verify: false }, out.stream);
    expect(out.text()).toMatch(/^conn_\w+ pending\nUnverified: /);
  });
});
