/**
 * The baseline: the fastest plain way to upsert the same rows into the same kind of table, with no engine.
 * Runs in its own process (like the worker it is compared with):
 *
 * 1. fetches every issue of the sandbox beforehand (not timed), shaped exactly as the connector shapes them
 *    (`repository_full_name` added), serialised and hashed as the engine does;
 * 2. works out the same typed columns the engine gives the table (the stream's declared columns, then the fields
 *    the data adds, with src/core/typed-columns) and each row's misfits (`_variants`), then creates the table with
 *    the engine's DDL: system columns, `change_seq`, typed columns, primary key and both indexes;
 * 3. timed: multi-row `INSERT … ON CONFLICT DO UPDATE`, batches of `--batch` rows, each statement its own
 *    transaction, one connection. Typed values are extracted from the payload in the statement (keys as literals):
 *    measured on PostgreSQL 15 the cheaper of the two plain forms (one parameter per typed value cost 2.6× the
 *    server CPU: a 1,000-row VALUES list of 50,000 expressions to parse and plan).
 *
 * Prints one JSON line with the result. `--db postgres --url URL` or `--db pglite --data-dir DIR`.
 */
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { defaultFlattenDepth, defaultMaxColumns, emptyObservations, planShape, RecordTyper, wantedFromObservations } from '../../src/core/typed-columns/record-typer.js';
import { declaredColumns } from '../../src/core/typed-columns/schema-columns.js';
import { TableShape, type TypedColumn } from '../../src/core/typed-columns/table-shape.js';
import { manifest } from '../../src/connectors/github/manifest.js';
import { contentHash } from '../../src/db/queries/records/commit-batch.js';
import { cpuByCommand } from './processes.js';

const { values } = parseArgs({
  options: {
    sandbox: { type: 'string' },
    token: { type: 'string' },
    db: { type: 'string' },
    url: { type: 'string' },
    'data-dir': { type: 'string' },
    schema: { type: 'string', default: 'bench_raw' },
    batch: { type: 'string', default: '1000' },
  },
});

interface Row {
  id: string;
  json: string;
  hash: string;
  variants: string | null;
}

async function getJson(url: string): Promise<{ body: unknown; link: string | null }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${values.token}`, accept: 'application/vnd.github+json' } });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return { body: await res.json(), link: res.headers.get('link') };
}

async function fetchRows(): Promise<Row[]> {
  const info = (await getJson(`${values.sandbox}/_sandbox/info`)).body as { repositories: { full_name: string }[] };
  const perRepo = await Promise.all(
    info.repositories.map(async ({ full_name: fullName }) => {
      const rows: Row[] = [];
      for (let page = 1; ; page++) {
        const { body, link } = await getJson(`${values.sandbox}/repos/${fullName}/issues?state=all&sort=updated&direction=asc&per_page=100&page=${page}`);
        for (const item of body as Record<string, unknown>[]) {
          if (item['pull_request'] !== undefined) continue;
          const json = JSON.stringify({ ...item, repository_full_name: fullName });
          rows.push({ id: String(item['id']), json, hash: contentHash(json), variants: null });
        }
        if (!link?.includes('rel="next"')) break;
      }
      return rows;
    }),
  );
  return perRepo.flat();
}

interface Loader {
  exec(text: string): Promise<void>;
  query(text: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

async function openLoader(): Promise<Loader> {
  if (values.db === 'postgres') {
    const client = new pg.Client({ connectionString: values.url });
    await client.connect();
    return {
      exec: async (text) => void (await client.query(text)),
      query: async (text, params) => void (await client.query(text, params)),
      close: () => client.end(),
    };
  }
  const db = new PGlite(values['data-dir']!);
  await db.waitReady;
  return {
    exec: async (text) => void (await db.exec(text)),
    query: async (text, params) => void (await db.query(text, params)),
    close: () => db.close(),
  };
}

const fetchStarted = Date.now();
const rows = await fetchRows();
const fetchMs = Date.now() - fetchStarted;
const bytes = rows.reduce((sum, r) => sum + Buffer.byteLength(r.json), 0);

/**
 * The table's typed columns as the engine would give them (declared first, then those the data adds) and each
 * row's misfits. Not timed: the engine does this as it reads, in its own process.
 */
function typeRows(): TypedColumn[] {
  const schema = manifest.streams.find((s) => s.name === 'issues')!.json_schema as Parameters<typeof declaredColumns>[0];
  const declared = declaredColumns(schema, defaultFlattenDepth).map((c) => ({ ...c, declared: true }));
  const options = { depth: defaultFlattenDepth, maxColumns: defaultMaxColumns };
  const observations = emptyObservations();
  const typer = new RecordTyper(new TableShape(planShape(new TableShape([]), declared, defaultMaxColumns).columns), options);
  for (const row of rows) typer.type(JSON.parse(row.json) as Record<string, unknown>, row.id, observations);
  typer.shape = new TableShape(planShape(typer.shape, wantedFromObservations(typer.shape, observations), defaultMaxColumns).columns);
  for (const row of rows) row.variants = typer.type(JSON.parse(row.json) as Record<string, unknown>, row.id, null);
  return [...typer.shape.columns];
}
const columns = typeRows();

const loader = await openLoader();
const schema = values.schema!;
const table = `"${schema}"."github_issues"`;
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
// The engine's DDL (src/db/queries/records/record-tables.ts, ensureRecordTable; typed columns from db/queries/table-shapes.ts).
await loader.exec(`drop schema if exists "${schema}" cascade; create schema "${schema}";
  create table ${table} (
    connection_id text not null, id text not null, data jsonb not null, hash text not null,
    first_seen_at timestamptz not null default now(), updated_at timestamptz not null default now(), deleted_at timestamptz,
    change_seq bigint not null, _variants jsonb, ${columns.map((c) => `${quote(c.name)} ${c.type}`).join(', ')},
    primary key (connection_id, id));
  create index "github_issues_updated" on ${table} (connection_id, updated_at, id);
  create index "github_issues_changes" on ${table} (connection_id, change_seq);`);

const typedValue = (c: TypedColumn): string => {
  const parent = c.path.slice(0, -1).reduce((e, key) => `${e} -> ${literal(key)}`, 'v.d');
  const last = literal(c.path[c.path.length - 1]!);
  if (c.type === 'text') return `${parent} ->> ${last}`;
  if (c.type === 'jsonb') return `nullif(${parent} -> ${last}, 'null'::jsonb)`;
  return `case when v.x ? ${literal(c.name)} then null else (${parent} ->> ${last})::${c.type} end`;
};
const names = columns.map((c) => quote(c.name));
const batchSize = Number(values.batch);
const statementFor = (n: number) => {
  const tuples: string[] = [];
  for (let i = 0; i < n; i++) tuples.push(`($1, $${i * 5 + 2}, $${i * 5 + 3}::jsonb, $${i * 5 + 4}, $${i * 5 + 5}::bigint, $${i * 5 + 6}::jsonb)`);
  return `insert into ${table} (connection_id, id, data, hash, change_seq, _variants, ${names.join(', ')})
    select v.c, v.i, v.d, v.h, v.n, v.x, ${columns.map(typedValue).join(', ')} from (values ${tuples.join(', ')}) as v(c, i, d, h, n, x)
    on conflict (connection_id, id) do update set data = excluded.data, hash = excluded.hash, updated_at = now(), deleted_at = null,
      change_seq = excluded.change_seq, _variants = excluded._variants, ${names.map((n) => `${n} = excluded.${n}`).join(', ')}`;
};
const fullStatement = statementFor(batchSize);

// CPU over the writes alone: this process, and (PostgreSQL) every server process.
const pgBefore = values.db === 'postgres' ? cpuByCommand('postgres') : new Map<number, number>();
const cpuBefore = process.cpuUsage();
const writeStarted = process.hrtime.bigint();
for (let start = 0; start < rows.length; start += batchSize) {
  const batch = rows.slice(start, start + batchSize);
  const params: unknown[] = ['conn_raw'];
  batch.forEach((r, i) => params.push(r.id, r.json, r.hash, start + i + 1, r.variants));
  await loader.query(batch.length === batchSize ? fullStatement : statementFor(batch.length), params);
}
const writeMs = Number(process.hrtime.bigint() - writeStarted) / 1e6;
const cpu = process.cpuUsage(cpuBefore);
let pgCpuMs = 0;
if (values.db === 'postgres') for (const [pid, ms] of cpuByCommand('postgres')) pgCpuMs += ms - (pgBefore.get(pid) ?? 0);
await loader.exec(`drop schema "${schema}" cascade`);
await loader.close();

process.stdout.write(
  `${JSON.stringify({ records: rows.length, bytes_per_record: Math.round(bytes / Math.max(1, rows.length)), typed_columns: columns.length, fetch_ms: fetchMs, write_ms: Math.round(writeMs), rate: Math.round((rows.length / writeMs) * 1000), cpu_s: { loader: Math.round((cpu.user + cpu.system) / 1e4) / 100, ...(values.db === 'postgres' ? { 'postgres server': Math.round(pgCpuMs / 10) / 100 } : {}) } })}\n`,
);
