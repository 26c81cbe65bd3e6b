import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { AppError } from '../contracts/errors.js';

/**
 * One process per embedded data folder. PGlite has no lock of its own: two processes on one folder each see
 * only their own writes and leave it unreadable. So every command that opens the folder first creates
 * `tributary.lock` with O_EXCL, naming its holder. A lock whose pid is dead on this host is stale (kill -9, power
 * loss) and taken over; one from another host (a shared volume) is never taken over, since its pid means nothing
 * here. Written by hand rather than with proper-lockfile: that library judges staleness by an mtime refreshed
 * on a timer, and PGlite's synchronous WASM can block the event loop long enough for a live lock to look stale.
 */
export const lockFileName = 'tributary.lock';

export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO time the holder took the lock. */
  since: string;
  /** What it runs, e.g. `serve`, `backup`. */
  command: string;
  /** Random per acquisition: release removes the file only if it is still this one. */
  token: string;
}

export type LockState =
  | { state: 'free'; file: string }
  | { state: 'held'; file: string; holder: LockHolder }
  | { state: 'stale'; file: string; holder: LockHolder; reason: string }
  | { state: 'foreign'; file: string; holder: LockHolder }
  | { state: 'unreadable'; file: string; reason: string };

export interface DataFolderLock {
  file: string;
  holder: LockHolder;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** Told when a stale lock is taken over (the caller's logger). */
  onTakeover?: (previous: LockHolder, reason: string) => void;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.since === 'string' && typeof value.command === 'string') {
      return { pid: value.pid, hostname: value.hostname, since: value.since, command: value.command, token: String(value.token ?? '') };
    }
  } catch {
    // Falls through: a torn or foreign file.
  }
  return undefined;
}

/** What the lock file says, judged from this process: free, held by a live process, stale, or another host's. */
export async function readLockState(dir: string): Promise<LockState> {
  const file = path.join(dir, lockFileName);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'free', file };
    throw error;
  }
  const holder = parseHolder(text);
  if (!holder) {
    // A crash between create and write leaves an empty file; anything older than a few seconds is that.
    const age = Date.now() - (await stat(file).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (text.trim() === '' && age > 5_000) return { state: 'stale', file, holder: { pid: 0, hostname: hostname(), since: '?', command: '?', token: '' }, reason: 'the lock file is empty (a crash while it was written)' };
    return { state: 'unreadable', file, reason: `it does not name a holder (${JSON.stringify(text.slice(0, 80))})` };
  }
  if (holder.hostname !== hostname()) return { state: 'foreign', file, holder };
  if (holder.pid === process.pid) {
    // Our own pid from before this process started is a previous incarnation (a container restarted as pid 1).
    const startedAt = Date.now() - process.uptime() * 1000;
    if (Date.parse(holder.since) < startedAt - 1_000) return { state: 'stale', file, holder, reason: `pid ${holder.pid} is this process, restarted` };
    return { state: 'held', file, holder };
  }
  if (!isAlive(holder.pid)) return { state: 'stale', file, holder, reason: `pid ${holder.pid} is no longer running` };
  return { state: 'held', file, holder };
}

export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on host ${holder.hostname} since ${holder.since} (tributary ${holder.command})`;
}

function refusal(dir: string, lock: LockState): AppError {
  const file = path.join(dir, lockFileName);
  const share = 'Only one process may open an embedded data folder; for several processes use PostgreSQL (DATABASE_URL).';
  switch (lock.state) {
    case 'foreign':
      return new AppError(
        'data_folder_locked',
        `The data folder ${dir} is in use by ${describeHolder(lock.holder)}. A lock from another host is never taken over automatically: stop Tributary there; if it is no longer running, delete ${file}. ${share}`,
      );
    case 'unreadable':
      return new AppError('data_folder_locked', `The data folder ${dir} has a lock file ${file} that cannot be read: ${lock.reason}. If no Tributary runs on this folder, delete it.`);
    default:
      return new AppError(
        'data_folder_locked',
        `The data folder ${dir} is in use by ${lock.state === 'held' || lock.state === 'stale' ? describeHolder(lock.holder) : 'another process'}. Stop that process first (Ctrl-C or \`kill ${lock.state === 'held' ? lock.holder.pid : '<pid>'}\`), or point TRIBUTARY_DATA_DIR at another folder. ${share} If that pid is not Tributary, delete ${file}.`,
      );
  }
}

async function createExclusive(file: string, holder: LockHolder): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Removes a stale lock so that the next O_EXCL create can win. Guarded by a second O_EXCL file, so two processes
 * that both judged the same lock stale cannot remove each other's fresh one: only the guard's holder unlinks, and
 * only after reading that the file is still the stale one.
 */
async function removeStale(file: string, stale: LockHolder, me: LockHolder): Promise<boolean> {
  const guard = `${file}.takeover`;
  if (!(await createExclusive(guard, me))) {
    // Another process is taking over right now; a guard left by a crash mid-takeover goes once its pid is dead.
    const other = parseHolder(await readFile(guard, 'utf8').catch(() => ''));
    // Best effort: whoever removes the dead guard first wins; a failure leaves it for the next attempt.
    if (other && other.hostname === hostname() && !isAlive(other.pid)) await unlink(guard).catch(() => undefined);
    return false;
  }
  try {
    const current = parseHolder(await readFile(file, 'utf8').catch(() => ''));
    const same = current ? current.pid === stale.pid && current.token === stale.token && current.since === stale.since : stale.pid === 0;
    if (!same) return false;
    await unlink(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    return true;
  } finally {
    // Our own guard: already gone is fine; one left behind is removed by the next takeover once our pid is dead.
    await unlink(guard).catch(() => undefined);
  }
}

/**
 * Takes the folder's lock for `command`, or throws `data_folder_locked` naming the holder. The lock is also
 * removed when the process exits without releasing it (an uncaught error, `process.exit`), not on SIGKILL.
 */
export async function acquireDataFolderLock(dir: string, command: string, options: AcquireOptions = {}): Promise<DataFolderLock> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, lockFileName);
  const holder: LockHolder = { pid: process.pid, hostname: hostname(), since: new Date().toISOString(), command, token: randomBytes(12).toString('hex') };
  for (let attempt = 0; ; attempt += 1) {
    if (await createExclusive(file, holder)) break;
    const state = await readLockState(dir);
    if (state.state === 'free') continue;
    if (state.state !== 'stale' || attempt >= 5) throw refusal(dir, state);
    if (await removeStale(file, state.holder, holder)) options.onTakeover?.(state.holder, state.reason);
    // Another process is taking the same stale lock over: within a moment it holds it (and we refuse) or not.
    else await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
  }
  let released = false;
  const stillOurs = (text: string) => parseHolder(text)?.token === holder.token;
  const onExit = () => {
    if (released) return;
    try {
      if (stillOurs(readFileSync(file, 'utf8'))) unlinkSync(file);
    } catch {
      // Nothing more can be done while exiting.
    }
  };
  process.once('exit', onExit);
  return {
    file,
    holder,
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      const text = await readFile(file, 'utf8').catch(() => '');
      // At exit: a lock file left behind names a dead pid, and the next start takes it over as stale.
      if (stillOurs(text)) await unlink(file).catch(() => undefined);
    },
  };
}
