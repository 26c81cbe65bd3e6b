import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real node processes for the crash-safety suites and the benchmarks: `tributary` commands, sandboxes, loaders.
 * Their output is kept line by line, and every one is tracked so that `killAllChildren()` (afterEach/afterAll)
 * or the end of the parent leaves nothing running, even when a test fails half way.
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface TributaryChild {
  name: string;
  pid: number;
  proc: ChildProcess;
  /** stdout and stderr, line by line, as they arrive (the last `keepLines`). */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first output line matching `pattern` (rejects if the process exits first or on timeout). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends `signal` (default SIGKILL) and waits for the process to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM (a graceful stop, so `--cpu-prof` gets written), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  isRunning(): boolean;
}

export interface SpawnNodeOptions {
  /** The whole environment besides PATH and HOME, so nothing of the parent (TEST_DATABASE_URL, VITEST…) leaks in. */
  env: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[] | undefined;
  /** Keep at most this many output lines (a server under load may log a lot). Default: all. */
  keepLines?: number;
  cwd?: string;
}

const children = new Set<TributaryChild>();
// Last resort: if the parent itself goes away, its children go with it.
process.once('exit', () => {
  for (const child of children) child.proc.kill('SIGKILL');
});

/** `node [flags] <args>` with its output captured. */
export function spawnNode(name: string, args: string[], options: SpawnNodeOptions): TributaryChild {
  const proc = spawn(process.execPath, [...(options.nodeFlags ?? []), ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`could not spawn ${name}`);
  const keep = options.keepLines ?? Number.POSITIVE_INFINITY;
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  for (const stream of [proc.stdout!, proc.stderr!]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (lines.length > keep) lines.splice(0, lines.length - keep);
        for (const listener of listeners) listener(line);
      }
    });
  }
  const child: TributaryChild = {
    name,
    pid: proc.pid,
    proc,
    lines,
    exited,
    isRunning: () => exit === null,
    waitForLine(pattern, timeoutMs = 60_000) {
      const found = lines.find((line) => pattern.test(line));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<string>((resolve, reject) => {
        const done = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(listener);
          fn();
        };
        const listener = (line: string) => {
          if (pattern.test(line)) done(() => resolve(line));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${name}: no line matching ${pattern} in ${timeoutMs} ms:\n${tail(lines)}`))), timeoutMs);
        listeners.add(listener);
        void exited.then(({ code, signal }) => done(() => reject(new Error(`${name} exited (code ${code}, signal ${signal}) before printing ${pattern}:\n${tail(lines)}`))));
      });
    },
    async kill(signal = 'SIGKILL') {
      if (exit === null) proc.kill(signal);
      await exited;
      children.delete(child);
    },
    async stop(graceMs = 15_000) {
      if (exit === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
  void exited.then(() => children.delete(child));
  children.add(child);
  return child;
}

/** `node bin/tributary.js <args>`: the real CLI, as users run it (from `root`, another checkout for the bench). */
export function spawnTributary(name: string, args: string[], env: Record<string, string>, options: Omit<SpawnNodeOptions, 'env'> & { root?: string } = {}): TributaryChild {
  const root = options.root ?? repoRoot;
  const { root: _root, ...rest } = options;
  return spawnNode(name, [path.join(root, 'bin', 'tributary.js'), ...args], { ...rest, env: { LOG_LEVEL: 'info', ...env }, cwd: root });
}

/** Kills (SIGKILL) every child still running; for afterEach/afterAll. */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...children].map((child) => child.kill('SIGKILL')));
}

/** Stops (SIGTERM, then SIGKILL) every child still running. */
export async function stopAllChildren(graceMs = 5_000): Promise<void> {
  await Promise.all([...children].map((child) => child.stop(graceMs)));
}

/** The last lines of a child's output, HTTP request lines left out. */
export function tail(lines: string[], n = 30): string {
  return lines
    .filter((line) => !/"msg":"(incoming request|request completed)"/.test(line))
    .slice(-n)
    .join('\n');
}

/** A TCP port that was free a moment ago (for a child's PORT). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
