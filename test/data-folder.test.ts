import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { freePort, killAllChildren, sleep, spawnTributary, tail, type TributaryChild } from './support/child-process.js';
import { callApi } from './support/http-api.js';
import type { ConnectionView } from './support/api-types.js';

/**
 * The embedded data folder with real `tributary` processes: one process per folder (a second is refused, a dead
 * one's lock taken over), backup and restore, automatic backups, `doctor` on a healthy and a damaged folder.
 * PGlite only, by nature: with DATABASE_URL there is no data folder (those commands refuse and point to pg_dump).
 * The cases run in order on one folder, each building on the state the previous one left.
 */
const TOKEN = 'ghp_data_folder_token_0123456789abcdef';
const ADMIN_KEY = 'trb_data_folder_admin_key_000001';
const START_MS = 120_000;

describe('embedded data folder (PGlite only)', () => {
  let sandbox: GithubSandboxHandle;
  let dataDir: string;
  let port: number;
  let firstId: string;
  let secondId: string;
  let manualBackup: string;

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 20, seed: 12, token: TOKEN });
    dataDir = await mkdtemp(path.join(tmpdir(), 'tributary-folder-'));
    port = await freePort();
  });
  afterAll(async () => {
    await killAllChildren();
    await sandbox?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({
    TRIBUTARY_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    TRIBUTARY_ADMIN_KEY: ADMIN_KEY,
    TRIBUTARY_ALLOW_PRIVATE_HOSTS: new URL(sandbox.url).host,
    ...extra,
  });
  const startServe = async (name: string, extra: Record<string, string> = {}): Promise<TributaryChild> => {
    const serve = spawnTributary(name, ['serve'], env(extra));
    await serve.waitForLine(/Tributary listening/, START_MS);
    return serve;
  };
  /** A one-shot command, run to its end: exit code and output. */
  const run = async (args: string[], extra: Record<string, string> = {}) => {
    const child = spawnTributary(args.join(' '), args, env(extra));
    const { code } = await child.exited;
    return { code, output: child.lines.join('\n') };
  };
  const api = <T = unknown>(method: string, url: string, body?: unknown, at = port) => callApi<T>(at, ADMIN_KEY, method, url, body);
  const connect = async (name: string) => {
    const created = await api<{ id: string }>('POST', '/connections', { connector: 'github', name, fields: { token: TOKEN }, config: { base_url: sandbox.url } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  };
  const connectionNames = async () => (await api<{ data: ConnectionView[] }>('GET', '/connections?limit=100')).body.data.map((c) => c.name).sort();
  const lockFile = () => path.join(dataDir, 'tributary.lock');
  const backups = async () => (await readdir(path.join(dataDir, 'backups'))).filter((n) => n.endsWith('.tar.gz')).sort();

  it('refuses a second serve on the folder at once, naming the holder; the first keeps serving with its data', { timeout: 300_000 }, async () => {
    const first = await startServe('serve A');
    firstId = await connect('first');

    const secondPort = await freePort();
    const second = spawnTributary('serve B', ['serve'], env({ PORT: String(secondPort) }));
    const { code } = await second.exited;
    expect(code).not.toBe(0);
    const output = second.lines.join('\n');
    expect(output).toMatch(new RegExp(`in use by pid ${first.pid} on host ${hostname()} since \\S+ \\(tributary serve\\)`));
    expect(output).toContain('Stop that process first');
    expect(output).not.toMatch(/Tributary listening/);

    // Restore would replace the folder under the server: refused the same way.
    const restore = await run(['restore', '--latest']);
    expect(restore.code).not.toBe(0);
    expect(restore.output).toContain(`in use by pid ${first.pid}`);

    expect(first.isRunning(), tail(first.lines)).toBe(true);
    const read = await api<ConnectionView>('GET', `/connections/${firstId}`);
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('first');
    expect(await connectionNames()).toEqual(['first']);

    // kill -9 leaves the lock behind with a dead pid: the next start takes it over and says so.
    await first.kill('SIGKILL');
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({ pid: first.pid, command: 'serve' });
    const next = await startServe('serve C');
    expect(next.lines.join('\n')).toMatch(new RegExp(`Took over the stale lock of .* from pid ${first.pid} on host ${hostname()}`));
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({ pid: next.pid, command: 'serve' });
    expect(await connectionNames()).toEqual(['first']);

    // A clean stop releases it.
    await next.stop();
    expect((await next.exited).code).toBe(0);
    expect(existsSync(lockFile())).toBe(false);
  });

  it('backs up, keeps the automatic backups it is told to, and restores the state of a backup', { timeout: 300_000 }, async () => {
    const made = await run(['backup']);
    expect(made.code, made.output).toBe(0);
    expect(made.output).toMatch(/Backup written: .*tributary-backup-\d{8}T\d{9}Z\.tar\.gz/);
    expect(made.output).toContain('holds the encryption key file too');
    const listed = await backups();
    expect(listed).toHaveLength(1);
    manualBackup = path.join(dataDir, 'backups', listed[0]!);
    expect((await stat(manualBackup)).mode & 0o777).toBe(0o600);

    // Write more, while the server backs itself up every 2 s and keeps only the newest automatic one.
    const serve = await startServe('serve D', { TRIBUTARY_BACKUP_INTERVAL: '2s', TRIBUTARY_BACKUP_KEEP: '1' });
    secondId = await connect('second');
    expect(await connectionNames()).toEqual(['first', 'second']);
    // Two backups logged after the connection exists: the second one began after it, so it holds it; pruning ran.
    const mark = serve.lines.length;
    const written = () => serve.lines.slice(mark).filter((l) => /automatic backup written/.test(l)).length;
    const deadline = Date.now() + 90_000;
    while (written() < 2) {
      if (!serve.isRunning() || Date.now() > deadline) throw new Error(`no two automatic backups:\n${tail(serve.lines)}`);
      await sleep(100);
    }
    await serve.stop();
    const names = await backups();
    expect(names.filter((n) => n.endsWith('-auto.tar.gz'))).toHaveLength(1);
    expect(names).toContain(path.basename(manualBackup));

    const restored = await run(['restore', manualBackup]);
    expect(restored.code, restored.output).toBe(0);
    expect(restored.output).toMatch(/The database it replaced is kept at .*pgdata\.before-restore-/);
    const after = await startServe('serve E');
    expect(await connectionNames()).toEqual(['first']);
    expect((await api('GET', `/connections/${secondId}`)).status).toBe(404);
    expect((await api('GET', `/connections/${firstId}`)).status).toBe(200);
    await after.stop();
  });

  it('doctor passes a healthy folder, fails a damaged one, and --restore brings the newest backup back', { timeout: 300_000 }, async () => {
    const healthy = await run(['doctor']);
    expect(healthy.code, healthy.output).toBe(0);
    for (const check of ['lock', 'database', 'migrations', 'tables', 'job queue', 'workspace', 'key ring', 'backups']) {
      expect(healthy.output).toMatch(new RegExp(`^\\s+ok\\s+${check}\\s`, 'm'));
    }
    expect(healthy.output).toContain('Verdict: healthy.');

    // The damage seen in the field: the control file gone, every start dies in PGlite with `Aborted()`.
    await rm(path.join(dataDir, 'pgdata', 'global', 'pg_control'));
    const sick = await run(['doctor']);
    expect(sick.code).toBe(1);
    expect(sick.output).toMatch(/^\s+FAIL\s+database\s+PGlite does not open/m);
    expect(sick.output).toContain('tributary doctor --restore');
    const refused = await run(['serve']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('`tributary doctor` checks the folder');
    expect(existsSync(lockFile())).toBe(false);

    const cured = await run(['doctor', '--restore']);
    expect(cured.code, cured.output).toBe(0);
    expect(cured.output).toMatch(/Restored .*-auto\.tar\.gz/);
    expect(cured.output.trim().endsWith('Verdict: healthy.')).toBe(true);
    const kept = (await readdir(dataDir)).filter((n) => n.startsWith('pgdata.before-restore-'));
    expect(kept).toHaveLength(2);

    // The newest backup was the automatic one, made after `second` was connected.
    const serve = await startServe('serve F');
    expect(await connectionNames()).toEqual(['first', 'second']);
    await serve.stop();
  });

  it('backup, restore and doctor refuse with DATABASE_URL and point to pg_dump', { timeout: 120_000 }, async () => {
    const withUrl = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const results = await Promise.all([run(['backup'], withUrl), run(['restore', '--latest'], withUrl), run(['doctor'], withUrl)]);
    for (const refused of results) {
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain('is for the embedded data folder, and DATABASE_URL is set');
      expect(refused.output).toContain('pg_dump');
    }
  });
});
