import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../contracts/errors.js';
import { describeHolder, readLockState, type DataFolderLock } from '../../core/data-folder-lock.js';
import { keyFilePath } from '../../core/key-file.js';
import { Keyring } from '../../core/keyring.js';
import { vaultColumns } from '../../core/vault-columns.js';
import { Vault } from '../../core/vault.js';
import { listBackups } from '../../db/embedded-backup.js';
import { pendingMigrations } from '../../db/migrate.js';
import { openDatabase, type Database } from '../../db/open-database.js';
import { countRows, listTables, workspaceDataSchemas } from '../../db/queries/folder-health.js';
import { countCiphertextsByKey } from '../../db/queries/vault-ciphertexts.js';
import { checkKeyRing } from '../../services/keys/check-key-ring.js';
import { readConfig, type RuntimeConfig } from '../config.js';
import { lockDataFolder, pgdataDir, requireEmbedded } from '../data-folder.js';
import { restoreLatest } from './restore.js';

/**
 * `tributary doctor [--restore]`: checks the embedded data folder (lock, database, migrations, every table of
 * Tributary and of each workspace, key ring against the vault, backups) and prints one verdict per check; exits 1
 * on a problem. `--restore` then puts the newest good backup in place, the damaged folder renamed aside.
 */
type Verdict = 'ok' | 'warn' | 'FAIL';
interface Check {
  name: string;
  verdict: Verdict;
  detail: string;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);

async function checkDatabase(config: RuntimeConfig, checks: Check[]): Promise<void> {
  const dir = pgdataDir(config.dataDir);
  if (!(await stat(path.join(dir, 'PG_VERSION')).catch(() => null))) {
    checks.push({ name: 'database', verdict: 'FAIL', detail: `no database in ${dir} (a new folder gets one at the first \`tributary serve\`; a damaged one: \`tributary doctor --restore\`)` });
    return;
  }
  let database: Database;
  try {
    database = await openDatabase({ dataDir: dir, migrate: false, ...(config.dbSchema ? { schema: config.dbSchema } : {}) });
  } catch (error) {
    checks.push({ name: 'database', verdict: 'FAIL', detail: `PGlite does not open ${dir}: ${errorText(error)}` });
    return;
  }
  try {
    checks.push({ name: 'database', verdict: 'ok', detail: `PGlite opens ${dir}` });
    await checkContents(database, config, checks);
  } finally {
    // The checks are reported already; a read-only look that fails to close changes none of them.
    await database.close().catch(() => undefined);
  }
}

async function checkContents(database: Database, config: RuntimeConfig, checks: Check[]): Promise<void> {
  const { db, schema } = database;
  try {
    const pending = await pendingMigrations(db, schema);
    checks.push(pending.length === 0 ? { name: 'migrations', verdict: 'ok', detail: 'all applied' } : { name: 'migrations', verdict: 'FAIL', detail: `not applied: ${pending.join(', ')} (\`tributary migrate\` applies them)` });
  } catch (error) {
    checks.push({ name: 'migrations', verdict: 'FAIL', detail: errorText(error) });
  }
  checks.push(await checkTables(database, schema, 'tables', `Tributary's schema "${schema}"`));
  // pg-boss's queue (pending and running syncs) lives beside it.
  checks.push(await checkTables(database, `${schema}_jobs`, 'job queue', `the job queue's schema "${schema}_jobs"`));
  let workspaces: { id: string; dataSchema: string }[] = [];
  try {
    workspaces = await workspaceDataSchemas(db, schema);
  } catch (error) {
    checks.push({ name: 'workspaces', verdict: 'FAIL', detail: `workspaces do not read: ${errorText(error)}` });
  }
  for (const ws of workspaces) checks.push(await checkTables(database, ws.dataSchema, 'workspace', `workspace ${ws.id} (schema "${ws.dataSchema}")`));
  checks.push(await checkKeys(database, config));
}

async function checkTables(database: Database, schema: string, name: string, what: string): Promise<Check> {
  try {
    const tables = await listTables(database.db, schema);
    if (name === 'tables' && tables.length === 0) return { name, verdict: 'FAIL', detail: `${what} has no tables` };
    const failed: string[] = [];
    let rows = 0;
    for (const table of tables) {
      try {
        rows += await countRows(database.db, schema, table);
      } catch (error) {
        failed.push(`${table} (${errorText(error)})`);
      }
    }
    if (failed.length > 0) return { name, verdict: 'FAIL', detail: `${what}: ${failed.length} of ${tables.length} table(s) do not read: ${failed.join('; ')}` };
    return { name, verdict: 'ok', detail: `${what}: ${tables.length} table(s), ${rows} row(s) read` };
  } catch (error) {
    return { name, verdict: 'FAIL', detail: `${what}: ${errorText(error)}` };
  }
}

async function checkKeys(database: Database, config: RuntimeConfig): Promise<Check> {
  const name = 'key ring';
  try {
    let keyring: Keyring;
    let source: string;
    if (config.encryptionKeys) {
      keyring = Keyring.parse(config.encryptionKeys);
      source = 'TRIBUTARY_ENCRYPTION_KEYS';
    } else {
      const file = keyFilePath(config.dataDir);
      // No key file (or none readable) is a finding, reported just below, not an error of the doctor.
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) {
        let secrets = 0;
        for (const column of vaultColumns) secrets += Object.values(await countCiphertextsByKey(database.db, column)).reduce((a, b) => a + b, 0);
        return secrets > 0
          ? { name, verdict: 'FAIL', detail: `the key file ${file} is missing and ${secrets} stored secret(s) need it: restore it (or \`tributary doctor --restore\`)` }
          : { name, verdict: 'warn', detail: `no key file yet (${file}); the next start creates one` };
      }
      keyring = Keyring.parse(text.trim(), `The key file ${file}`);
      source = `the key file ${file}`;
    }
    await checkKeyRing({ db: database.db, vault: new Vault(keyring) });
    return { name, verdict: 'ok', detail: `${source} decrypts the stored secrets` };
  } catch (error) {
    return { name, verdict: 'FAIL', detail: errorText(error) };
  }
}

async function checkBackups(config: RuntimeConfig): Promise<Check> {
  const newest = (await listBackups(config.dataDir))[0];
  if (!newest) return { name: 'backups', verdict: 'warn', detail: `none in ${config.dataDir}/backups (\`tributary backup\` makes one)` };
  const hours = (Date.now() - newest.createdAt.getTime()) / 3_600_000;
  return { name: 'backups', verdict: 'ok', detail: `newest ${path.basename(newest.file)} (${hours < 1 ? `${Math.round(hours * 60)} min` : `${hours.toFixed(1)} h`} old)` };
}

/** Runs every check on a folder whose lock this process holds. */
async function runChecks(config: RuntimeConfig, lockNote: Check): Promise<Check[]> {
  const checks: Check[] = [lockNote];
  await checkDatabase(config, checks);
  checks.push(await checkBackups(config));
  return checks;
}

function print(checks: Check[], out: NodeJS.WritableStream): number {
  for (const c of checks) out.write(`  ${c.verdict.padEnd(5)} ${c.name.padEnd(11)} ${c.detail}\n`);
  const problems = checks.filter((c) => c.verdict === 'FAIL').length;
  out.write(problems === 0 ? 'Verdict: healthy.\n' : `Verdict: ${problems} problem(s).\n`);
  return problems;
}

export async function doctorCommand(flags: { restore?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const config = readConfig();
  requireEmbedded(config, 'doctor');
  out.write(`tributary doctor: ${config.dataDir}\n`);
  const before = await readLockState(config.dataDir);
  let lock: DataFolderLock;
  try {
    lock = await lockDataFolder(config.dataDir, flags.restore ? 'doctor --restore' : 'doctor');
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'data_folder_locked')) throw error;
    print([{ name: 'lock', verdict: 'FAIL', detail: error.message }], out);
    out.write('The other checks need the folder to themselves: stop that process and run `tributary doctor` again.\n');
    return 1;
  }
  try {
    const lockNote: Check =
      before.state === 'stale'
        ? { name: 'lock', verdict: 'warn', detail: `stale lock of ${describeHolder(before.holder)} taken over (${before.reason}): the folder was not closed cleanly` }
        : { name: 'lock', verdict: 'ok', detail: 'no other process uses the folder' };
    const problems = print(await runChecks(config, lockNote), out);
    if (!flags.restore) {
      if (problems > 0) out.write('`tributary doctor --restore` puts the newest good backup back (the damaged folder is kept aside, renamed).\n');
      return problems > 0 ? 1 : 0;
    }
    out.write('\nRestoring the newest good backup…\n');
    await restoreLatest(config, out);
    out.write('\nChecking the restored folder:\n');
    return print(await runChecks(config, { name: 'lock', verdict: 'ok', detail: 'held by this doctor' }), out) > 0 ? 1 : 0;
  } finally {
    await lock.release();
  }
}
