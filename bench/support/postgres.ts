import pg from 'pg';

/**
 * The benchmark's own PostgreSQL database (`tributary_bench` by default): dropped and created afresh at the
 * start of a run, so leftovers of an interrupted run never skew the next one, and dropped at the end unless
 * `--keep-data`.
 */
export function adminUrl(benchUrl: string): string {
  const url = new URL(benchUrl);
  url.pathname = '/postgres';
  return url.toString();
}

export function databaseName(benchUrl: string): string {
  const name = decodeURIComponent(new URL(benchUrl).pathname.replace(/^\//, ''));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`the bench database name must be a plain identifier, got "${name}"`);
  return name;
}

async function withAdmin<T>(benchUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl(benchUrl) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function recreateBenchDatabase(benchUrl: string): Promise<void> {
  const name = databaseName(benchUrl);
  await withAdmin(benchUrl, async (client) => {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  });
}

export async function dropBenchDatabase(benchUrl: string): Promise<void> {
  const name = databaseName(benchUrl);
  await withAdmin(benchUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
}

/** Server facts worth printing next to the figures: version and the settings that bound write speed. */
export async function serverFacts(benchUrl: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: benchUrl });
  await client.connect();
  try {
    const facts: Record<string, string> = {};
    const version = await client.query<{ server_version: string }>('show server_version');
    facts['server_version'] = version.rows[0]!.server_version;
    for (const setting of ['fsync', 'synchronous_commit', 'shared_buffers', 'wal_level', 'max_wal_size', 'work_mem']) {
      const res = await client.query<Record<string, string>>(`show ${setting}`);
      facts[setting] = Object.values(res.rows[0]!)[0]!;
    }
    return facts;
  } finally {
    await client.end();
  }
}

export async function withBenchClient<T>(benchUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: benchUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
