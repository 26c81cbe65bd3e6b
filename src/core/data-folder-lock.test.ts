import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../contracts/errors.js';
import { acquireDataFolderLock, lockFileName, readLockState, type LockHolder } from './data-folder-lock.js';

/** The lock itself, in one process; two real `tributary serve` processes are in test/data-folder.test.ts. */
describe('data folder lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tributary-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A pid that was ours a moment ago and is dead now. */
  const deadPid = () => {
    const child = spawnSync(process.execPath, ['-e', '']);
    return child.pid;
  };
  const plant = (holder: Partial<LockHolder>) =>
    writeFile(path.join(dir, lockFileName), JSON.stringify({ pid: 1, hostname: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'serve', token: 'old', ...holder }));

  it('names its holder, refuses a second taker with that name, and is gone after release', async () => {
    const lock = await acquireDataFolderLock(dir, 'serve');
    const written = JSON.parse(await readFile(lock.file, 'utf8')) as LockHolder;
    expect(written).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'serve' });
    expect(new Date(written.since).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const refused = await acquireDataFolderLock(dir, 'backup').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('data_folder_locked');
    expect((refused as AppError).message).toContain(`pid ${process.pid} on host ${hostname()} since ${written.since} (tributary serve)`);

    await lock.release();
    await expect(stat(lock.file)).rejects.toMatchObject({ code: 'ENOENT' });
    await lock.release();
    expect((await readLockState(dir)).state).toBe('free');
  });

  it('takes over a lock whose pid is dead on this host, and says so', async () => {
    const pid = deadPid();
    await plant({ pid });
    const previous: LockHolder[] = [];
    const lock = await acquireDataFolderLock(dir, 'serve', { onTakeover: (holder) => previous.push(holder) });
    expect(previous).toEqual([expect.objectContaining({ pid })]);
    expect(JSON.parse(await readFile(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it('never takes over a lock from another host, and says how to remove it', async () => {
    await plant({ pid: deadPid(), hostname: 'elsewhere.example' });
    const refused = (await acquireDataFolderLock(dir, 'serve').catch((e: unknown) => e)) as AppError;
    expect(refused.code).toBe('data_folder_locked');
    expect(refused.message).toContain('on host elsewhere.example');
    expect(refused.message).toContain('never taken over automatically');
    expect(refused.message).toContain(`delete ${path.join(dir, lockFileName)}`);
  });

  it('refuses while the holder is alive (a live pid of this host)', async () => {
    // pid 1 always runs.
    await plant({ pid: 1 });
    const refused = (await acquireDataFolderLock(dir, 'serve').catch((e: unknown) => e)) as AppError;
    expect(refused.code).toBe('data_folder_locked');
    expect(refused.message).toContain('in use by pid 1');
  });

  it('lets exactly one of many racing takers win a stale lock (10 rounds)', async () => {
    for (let round = 0; round < 10; round += 1) {
      await plant({ pid: deadPid(), token: `old ${round}` });
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => acquireDataFolderLock(dir, `taker ${i}`)));
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      for (const r of results) if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('data_folder_locked');
      expect(won, `round ${round}`).toHaveLength(1);
      expect(JSON.parse(await readFile(won[0]!.file, 'utf8'))).toMatchObject({ token: won[0]!.holder.token });
      await won[0]!.release();
    }
  });

  it('takes over its own pid written before this process started (a container restarted as pid 1)', async () => {
    await plant({ pid: process.pid, since: new Date(Date.now() - process.uptime() * 1000 - 60_000).toISOString() });
    const lock = await acquireDataFolderLock(dir, 'serve');
    expect(JSON.parse(await readFile(lock.file, 'utf8'))).toMatchObject({ token: lock.holder.token });
    await lock.release();
  });
});
