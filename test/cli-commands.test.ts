import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/cli/api-client.js';
import { listConnections, showConnection } from '../src/cli/commands/connections.js';
import { runLogs } from '../src/cli/commands/runs.js';
import { printStartBanner } from '../src/cli/start-banner.js';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { databaseKinds, testDatabaseUrl } from './support/databases.js';
import { repoRoot } from './support/child-process.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';

const capture = () => {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  stream.isTTY = false;
  let text = '';
  stream.on('data', (chunk) => (text += String(chunk)));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
};

/** The real `tributary` binary through a shell, so pipes behave as on a user's terminal. */
function shell(command: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn('bash', ['-o', 'pipefail', '-c', command], { cwd: repoRoot, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c) => (stdout += String(c)));
    proc.stderr.on('data', (c) => (stderr += String(c)));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(databaseKinds)('CLI commands (%s)', (kind) => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let url: string;
  let key: string;
  let client: ApiClient;
  let connectionId: string;
  let runId: string;

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 3000, seed: 5 });
    rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(sandbox.url).host] });
    url = await rt.app!.listen({ port: 0, host: '127.0.0.1' });
    key = rt.bootstrap!.apiKey;
    client = new ApiClient({ url, apiKey: key });
    connectionId = (await client.request<{ id: string }>('POST', '/connections', { connector: 'github', name: 'CLI GitHub', fields: { token: sandbox.token }, config: { base_url: sandbox.url } })).id;
    runId = (await client.request<{ run: { id: string } }>('POST', `/connections/${connectionId}/runs`, { full_refresh: true })).run.id;
    await waitForRun(rt, key, runId);
  });
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  it('`records … | head -1` prints one row and exits 0 without a stack trace (EPIPE is the reader saying enough)', async () => {
    // --url/--key instead of the environment: every server command takes them.
    const result = await shell(`node bin/tributary.js records ${connectionId} issues --url ${url} --key ${key} | head -1`, {});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toHaveProperty('id');
  });

  it('connections list shows the connection; --json is machine-readable', async () => {
    const table = capture();
    await listConnections(client, {}, table.stream);
    expect(table.text()).toMatch(new RegExp(`^${connectionId}\\s+github\\s+connected\\s+COMPLETED`, 'm'));
    const json = capture();
    await listConnections(client, { json: true }, json.stream);
    expect((JSON.parse(json.text()) as { id: string }[]).map((c) => c.id)).toEqual([connectionId]);
  });

  it('connections show prints settings and recent runs, never credentials', async () => {
    const out = capture();
    await showConnection(client, connectionId, {}, out.stream);
    expect(out.text()).toContain('credentials  stored (never shown)');
    expect(out.text()).toContain(runId);
    expect(out.text()).not.toContain(sandbox.token);
  });

  it('logs prints the run log, and --follow returns once the run has ended', async () => {
    const out = capture();
    expect(await runLogs(client, runId, { follow: true, pollMs: 50 }, out.stream)).toBe(0);
    expect(out.text()).toMatch(/info\s+.*issues/);
  });

  it('status reports every connection, exit 0 when all are healthy', async () => {
    const result = await shell(`node bin/tributary.js status --url ${url}`, { TRIBUTARY_API_KEY: key });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('1 healthy, 0 unhealthy');
    expect(result.code).toBe(0);
  });

  it('an API refusal prints its code and exits 1', async () => {
    const result = await shell(`node bin/tributary.js connections show conn_missing --url ${url} --key ${key}`, {});
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tributary: .*\(connection_not_found, HTTP 404\)\n$/);
  });

  it('connections disconnect, then delete', async () => {
    const disconnected = await shell(`node bin/tributary.js connections disconnect ${connectionId} --url ${url} --key ${key}`, {});
    expect(disconnected.stdout).toMatch(new RegExp(`^${connectionId}  disconnected`));
    const deleted = await shell(`node bin/tributary.js connections delete ${connectionId} --url ${url} --key ${key}`, {});
    expect(deleted.stdout.trim()).toBe(`${connectionId}  deleted`);
    expect((await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}`, key })).status).toBe(404);
  });
});

describe.each(databaseKinds)('owner key recovery (%s)', (kind) => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'trb-owner-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('TRIBUTARY_ADMIN_KEY set on an existing database is reported as ignored; `keys owner` issues a working owner key from the database itself', async () => {
    const first = await startTestRuntime(kind, { pgliteDataDir: path.join(folder, 'pgdata') });
    const schema = first.schema;
    const oldKey = first.bootstrap!.apiKey;
    await first.stop({ keepData: true });

    const env: Record<string, string> = { TRIBUTARY_DATA_DIR: folder, TRIBUTARY_DB_SCHEMA: schema, LOG_LEVEL: 'warn' };
    if (kind === 'postgres') Object.assign(env, { DATABASE_URL: testDatabaseUrl! });
    const issued = await shell('node bin/tributary.js keys owner --revoke-others', env);
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    const newKey = /^\s+(trb_\S+)$/m.exec(issued.stdout)?.[1];
    expect(newKey).toBeDefined();
    expect(issued.stdout).toContain('Revoked 1 other owner key(s).');

    const again = await startTestRuntime(kind, { schema, pgliteDataDir: path.join(folder, 'pgdata'), config: { adminKey: 'trb_not_a_key_of_this_database' } });
    try {
      expect(again.adminKeyIgnored).toBe(true);
      printStartBanner(again, capture().stream);
      expect(again.logLines.join('\n')).toMatch(/TRIBUTARY_ADMIN_KEY is set but ignored.*tributary keys owner/);
      expect((await again.inject({ method: 'GET', url: '/api/v1/keys', key: newKey! })).status).toBe(200);
      expect((await again.inject({ method: 'GET', url: '/api/v1/connections', key: oldKey })).status).toBe(401);
    } finally {
      await again.stop();
    }
  });
});
