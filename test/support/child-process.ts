import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real `tributary` processes for the crash-safety suites: spawned with `node bin/tributary.js <command>`, their
 * output kept, and every one of them tracked so that `killAllChildren()` (in afterEach/afterAll) leaves nothing
 * running even when a test fails half way.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(repoRoot, 'bin', 'tributary.js');

export interface TributaryChild {
  name: string;
  pid: number;
  proc: ChildProcess;
  /** stdout and stderr, line by line, as they arrive. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first output line matching `pattern` (rejects if the process exits first or on timeout). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends `signal` (default SIGKILL) and waits for the process to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  isRunning(): boolean;
}

const children = new Set<TributaryChild>();
// Last resort: if the test process itself goes away, its children go with it.
process.once('exit', () => {
  for (const child of children) child.proc.kill('SIGKILL');
});

export function spawnTributary(name: string, args: string[], env: Record<string, string>): TributaryChild {
  const proc = spawn(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    // Only what the child needs, so that nothing of the test process (TEST_DATABASE_URL, VITEST…) leaks in.
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`could not spawn ${name}`);
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
  };
  void exited.then(() => children.delete(child));
  children.add(child);
  return child;
}

/** Kills (SIGKILL) every child still running; for afterEach/afterAll. */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...children].map((child) => child.kill('SIGKILL')));
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
