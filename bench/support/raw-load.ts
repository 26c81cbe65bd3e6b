import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnScript } from './processes.js';
import type { SandboxProcess } from './sandbox.js';
import type { DbKind } from './tributary.js';

export interface RawLoadResult {
  records: number;
  bytes_per_record: number;
  fetch_ms: number;
  write_ms: number;
  /** Records per second, writes only. */
  rate: number;
  /** CPU seconds during the writes: the loader (PGlite included, when embedded) and the PostgreSQL server. */
  cpu_s: Record<string, number>;
}

/** Runs `bench/support/raw-loader.ts` in its own process against the same kind of database. */
export async function rawLoad(kind: DbKind, sandbox: SandboxProcess, databaseUrl: string, nodeFlags?: string[]): Promise<RawLoadResult> {
  const dataDir = kind === 'pglite' ? await mkdtemp(path.join(tmpdir(), 'tributary-bench-raw-')) : undefined;
  try {
    const args = ['--sandbox', sandbox.url, '--token', sandbox.token, '--db', kind];
    if (kind === 'postgres') args.push('--url', databaseUrl);
    else args.push('--data-dir', dataDir!);
    const child = spawnScript(`raw loader (${kind})`, 'bench/support/raw-loader.ts', args, { env: {}, ...(nodeFlags ? { nodeFlags } : {}) });
    const line = await child.waitForLine(/^\{"records"/, 30 * 60_000);
    await child.exited;
    return JSON.parse(line) as RawLoadResult;
  } finally {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}
