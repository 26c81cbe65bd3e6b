import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import * as tar from 'tar';
import { AppError } from '../contracts/errors.js';
import { keyFilePath } from '../core/key-file.js';
import { Keyring, type EncryptionKey } from '../core/keyring.js';

/**
 * Backups of the embedded data folder: one gzipped tar holding PGlite's own dump of `pgdata` (`dumpDataDir`),
 * the key file (a backup without the key ring cannot decrypt its credentials) and a small `backup.json`.
 * Written to a temporary name and renamed, so a backup is either whole or absent. Restore never deletes: what it
 * replaces is renamed aside.
 */
export const backupFormat = 'tributary-backup';
const namePattern = /^tributary-backup-(\d{8}T\d{6}(?:\d{3})?Z)(-auto)?\.tar\.gz$/;

export interface BackupInfo {
  format: typeof backupFormat;
  version: 1;
  created_at: string;
  /** `file`: the key file is inside; `environment`: the key ring came from TRIBUTARY_ENCRYPTION_KEYS, not included. */
  keys: 'file' | 'environment';
  /** The PostgreSQL inside PGlite that wrote it (`select version()`). */
  postgres_version: string;
}

export const backupsDir = (dataDir: string): string => path.join(dataDir, 'backups');

const stamp = (date: Date) => date.toISOString().replaceAll(/[-:.]/g, '');

/** `tributary-backup-20261207T145501123Z[-auto].tar.gz`: names sort by time. */
export function backupName(date: Date, automatic: boolean): string {
  return `tributary-backup-${stamp(date)}${automatic ? '-auto' : ''}.tar.gz`;
}

/**
 * Writes a backup of the open database (`client`, the data folder's PGlite) and the key file beside it.
 * A checkpoint first makes the restored folder start without WAL replay; the dump itself runs while no
 * transaction is open (PGlite's transaction mutex), so it is a consistent image.
 */
export async function writeBackup(
  client: PGlite,
  options: { dataDir: string; out?: string; automatic?: boolean; now?: Date; /** Default `<dataDir>/encryption-keys`; null: the ring is not in a file. */ keyFile?: string | null },
): Promise<{ file: string; bytes: number }> {
  const now = options.now ?? new Date();
  const out = path.resolve(options.out ?? path.join(backupsDir(options.dataDir), backupName(now, options.automatic ?? false)));
  await mkdir(path.dirname(out), { recursive: true, mode: 0o700 });
  const staging = path.join(path.dirname(out), `.staging-${randomBytes(6).toString('hex')}`);
  await mkdir(staging, { mode: 0o700 });
  const temporary = `${out}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const version = await postgresVersion(client);
    const keyFile = options.keyFile === undefined ? keyFilePath(options.dataDir) : options.keyFile;
    // The key file is read before and after the dump and the two rings merged: a rotation running meanwhile adds
    // its key before using it and retires the old one only once unused, so the union decrypts whatever the dump holds.
    const keysBefore = await readKeyRing(keyFile);
    await client.exec('checkpoint');
    const dump = await client._runExclusiveTransaction(() => client.dumpDataDir('none'));
    const keysAfter = await readKeyRing(keyFile);
    await writeFile(path.join(staging, 'pgdata.tar'), new Uint8Array(await dump.arrayBuffer()));
    const keys = mergeRings(keysAfter, keysBefore);
    const hasKeyFile = keys !== undefined;
    if (keys) await writeFile(path.join(staging, 'encryption-keys'), `${Keyring.format(keys)}\n`, { mode: 0o600 });
    const info: BackupInfo = { format: backupFormat, version: 1, created_at: now.toISOString(), keys: hasKeyFile ? 'file' : 'environment', postgres_version: version };
    await writeFile(path.join(staging, 'backup.json'), `${JSON.stringify(info, null, 2)}\n`);
    const entries = ['backup.json', 'pgdata.tar', ...(hasKeyFile ? ['encryption-keys'] : [])];
    // 0600 from its creation: the file holds the key ring.
    await pipeline(tar.c({ gzip: true, cwd: staging, portable: true }, entries) as unknown as Readable, createWriteStream(temporary, { flags: 'wx', mode: 0o600 }));
    const handle = await open(temporary, 'r');
    await handle.sync();
    await handle.close();
    await rename(temporary, out);
    return { file: out, bytes: (await stat(out)).size };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function readKeyRing(file: string | null): Promise<readonly EncryptionKey[] | undefined> {
  if (file === null) return undefined;
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return text === undefined ? undefined : Keyring.parse(text.trim(), `The key file ${file}`).keys;
}

/** `newer`'s keys in its order (its first stays active), then any of `older`'s it no longer has. */
function mergeRings(newer: readonly EncryptionKey[] | undefined, older: readonly EncryptionKey[] | undefined): EncryptionKey[] | undefined {
  if (!newer && !older) return undefined;
  const merged = [...(newer ?? [])];
  for (const key of older ?? []) if (!merged.some((k) => k.id === key.id)) merged.push(key);
  return merged;
}

async function postgresVersion(client: PGlite): Promise<string> {
  const result = await client.query<{ version: string }>('select version()');
  return result.rows[0]?.version ?? 'unknown';
}

/** The backups in `<data dir>/backups`, newest first. */
export async function listBackups(dataDir: string): Promise<{ file: string; createdAt: Date; automatic: boolean }[]> {
  const names = await readdir(backupsDir(dataDir)).catch(() => [] as string[]);
  return names
    .map((name) => ({ name, match: namePattern.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ name, match }) => {
      const s = match[1]!;
      const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.length > 16 ? s.slice(15, 18) : '000'}Z`;
      return { file: path.join(backupsDir(dataDir), name), createdAt: new Date(iso), automatic: match[2] !== undefined };
    })
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** Deletes automatic backups beyond the newest `keep` (backups made by hand are never pruned). */
export async function pruneAutomaticBackups(dataDir: string, keep: number): Promise<string[]> {
  const old = (await listBackups(dataDir)).filter((b) => b.automatic).slice(keep);
  for (const backup of old) await rm(backup.file, { force: true });
  return old.map((b) => b.file);
}

interface ExtractedBackup {
  info: BackupInfo;
  dir: string;
  pgdataTar: string;
  keyFile: string | undefined;
}

async function extractBackup(file: string, into: string): Promise<ExtractedBackup> {
  const invalid = (why: string) => new AppError('backup_invalid', `${file} is not a readable Tributary backup: ${why}.`);
  await stat(file).catch(() => {
    throw invalid('no such file');
  });
  try {
    await tar.x({ file, cwd: into, strict: true, filter: (p) => ['backup.json', 'pgdata.tar', 'encryption-keys'].includes(p) });
  } catch (error) {
    throw invalid((error as Error).message);
  }
  const info = JSON.parse(await readFile(path.join(into, 'backup.json'), 'utf8').catch(() => '{}')) as Partial<BackupInfo>;
  if (info.format !== backupFormat) throw invalid('backup.json is missing or not of this format');
  const pgdataTar = path.join(into, 'pgdata.tar');
  if (!(await stat(pgdataTar).catch(() => null))) throw invalid('pgdata.tar is missing');
  const keyFile = path.join(into, 'encryption-keys');
  const hasKeys = await stat(keyFile).then(
    () => true,
    () => false,
  );
  if (info.keys === 'file' && !hasKeys) throw invalid('its key file is missing');
  return { info: info as BackupInfo, dir: into, pgdataTar, keyFile: hasKeys ? keyFile : undefined };
}

/** Reads a backup's description without restoring it (throws `backup_invalid`). */
export async function inspectBackup(file: string, scratchDir: string): Promise<BackupInfo> {
  const dir = path.join(scratchDir, `.inspect-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    return (await extractBackup(file, dir)).info;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface RestoreResult {
  info: BackupInfo;
  /** Where the replaced `pgdata` and key file were moved (never deleted); undefined when there was none. */
  asidePgdata: string | undefined;
  asideKeyFile: string | undefined;
}

/**
 * Puts a backup in place of `<dataDir>/pgdata` (and the key file). The caller holds the folder's lock. The backup is
 * loaded and opened in a new folder first: only a backup that opens replaces anything, and the old folder and key
 * file are renamed `…before-restore-<time>`.
 */
export async function restoreBackup(file: string, dataDir: string, options: { now?: Date } = {}): Promise<RestoreResult> {
  const suffix = stamp(options.now ?? new Date());
  const scratch = path.join(dataDir, `.restore-${randomBytes(6).toString('hex')}`);
  const incoming = path.join(dataDir, `pgdata.restoring-${suffix}`);
  const incomingKeys = `${keyFilePath(dataDir)}.restoring-${suffix}`;
  await mkdir(scratch, { recursive: true, mode: 0o700 });
  try {
    const backup = await extractBackup(path.resolve(file), scratch);
    await mkdir(incoming);
    const client = new PGlite(incoming, { loadDataDir: new Blob([new Uint8Array(await readFile(backup.pgdataTar))]) });
    try {
      await client.waitReady;
      await client.query('select 1');
    } catch (error) {
      // Already failing with the reason the backup does not open; a broken handle that fails to close adds nothing.
      await client.close().catch(() => undefined);
      throw new AppError('backup_invalid', `${file}: its database does not open (${(error as Error).message}).`);
    }
    await client.close();
    // Everything is copied before anything is replaced: from here on, only renames.
    const keyFile = keyFilePath(dataDir);
    if (backup.keyFile) {
      await copyFile(backup.keyFile, incomingKeys);
      await chmod(incomingKeys, 0o600);
    }
    const pgdata = path.join(dataDir, 'pgdata');
    const asidePgdata = await moveAside(pgdata, `${pgdata}.before-restore-${suffix}`);
    await rename(incoming, pgdata);
    let asideKeyFile: string | undefined;
    if (backup.keyFile) {
      asideKeyFile = await moveAside(keyFile, `${keyFile}.before-restore-${suffix}`);
      await rename(incomingKeys, keyFile);
    }
    return { info: backup.info, asidePgdata, asideKeyFile };
  } catch (error) {
    await rm(incoming, { recursive: true, force: true });
    await rm(incomingKeys, { force: true });
    throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function moveAside(from: string, to: string): Promise<string | undefined> {
  try {
    await rename(from, to);
    return to;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
