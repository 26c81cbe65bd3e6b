import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../contracts/errors.js';
import { Keyring } from '../core/keyring.js';
import { backupName, inspectBackup, listBackups, pruneAutomaticBackups, restoreBackup, writeBackup } from './embedded-backup.js';

/** Backup and restore of a PGlite folder in process (PGlite only by nature); the CLI around it is in test/data-folder.test.ts. */
describe('embedded backup', () => {
  let dataDir: string;
  const k1 = Keyring.generateKey('k1');
  const k2 = Keyring.generateKey('k2');

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tributary-backup-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes database and key file into one 0600 file, and restores that state with what it replaced kept aside', { timeout: 180_000 }, async () => {
    await writeFile(path.join(dataDir, 'encryption-keys'), `${Keyring.format([k1])}\n`, { mode: 0o600 });
    const pgdata = path.join(dataDir, 'pgdata');
    await mkdir(pgdata);
    const client = new PGlite(pgdata);
    await client.exec("create table t (v text); insert into t values ('before')");
    const { file, bytes } = await writeBackup(client, { dataDir });
    expect(bytes).toBeGreaterThan(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(path.dirname(file)).toBe(path.join(dataDir, 'backups'));
    expect((await readdir(path.dirname(file))).filter((n) => n.includes('.tmp') || n.startsWith('.staging'))).toEqual([]);
    const info = await inspectBackup(file, dataDir);
    expect(info).toMatchObject({ format: 'tributary-backup', version: 1, keys: 'file' });
    expect(info.postgres_version).toMatch(/PostgreSQL/);

    // Later: more rows and a rotated key file.
    await client.exec("insert into t values ('after')");
    await client.close();
    await writeFile(path.join(dataDir, 'encryption-keys'), `${Keyring.format([k2, k1])}\n`, { mode: 0o600 });

    const result = await restoreBackup(file, dataDir);
    expect(result.asidePgdata).toMatch(/pgdata\.before-restore-/);
    expect(result.asideKeyFile).toMatch(/encryption-keys\.before-restore-/);
    expect((await readFile(path.join(dataDir, 'encryption-keys'), 'utf8')).trim()).toBe(Keyring.format([k1]));
    expect((await stat(path.join(dataDir, 'encryption-keys'))).mode & 0o777).toBe(0o600);
    expect((await readFile(result.asideKeyFile!, 'utf8')).trim()).toBe(Keyring.format([k2, k1]));

    const restored = new PGlite(pgdata);
    expect((await restored.query<{ v: string }>('select v from t order by v')).rows.map((r) => r.v)).toEqual(['before']);
    await restored.close();
    const aside = new PGlite(result.asidePgdata!);
    expect((await aside.query<{ v: string }>('select v from t order by v')).rows.map((r) => r.v)).toEqual(['after', 'before']);
    await aside.close();
  });

  it('refuses a file that is not a backup, changing nothing', async () => {
    const bogus = path.join(dataDir, 'bogus.tar.gz');
    await writeFile(bogus, 'not a tarball');
    const before = (await readdir(dataDir)).sort();
    const error = (await restoreBackup(bogus, dataDir).catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('backup_invalid');
    expect((await readdir(dataDir)).sort()).toEqual(before);
  });

  it('lists newest first and prunes only automatic backups beyond the number kept', async () => {
    const folder = path.join(dataDir, 'prune');
    const dir = path.join(folder, 'backups');
    await mkdir(dir, { recursive: true });
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 4; i += 1) await writeFile(path.join(dir, backupName(new Date(base + i * 3_600_000), true)), '');
    await writeFile(path.join(dir, backupName(new Date(base - 3_600_000), false)), '');
    const pruned = await pruneAutomaticBackups(folder, 2);
    expect(pruned.map((f) => path.basename(f))).toEqual([backupName(new Date(base + 3_600_000), true), backupName(new Date(base), true)]);
    const left = await listBackups(folder);
    expect(left[0]!.createdAt.getTime()).toBeGreaterThan(left[1]!.createdAt.getTime());
    expect(left.filter((b) => !b.automatic).map((b) => b.createdAt.toISOString())).toEqual(['2025-12-31T23:00:00.000Z']);
    expect(left.filter((b) => b.automatic)).toHaveLength(2);
  });
});
