import type { Command } from 'commander';
import { apiClientFromEnv, type ApiClient } from '../api-client.js';
import { registerApiKeyCommands } from './api-key-commands.js';

/**
 * `tributary keys list|rotate|retire`: encryption key rotation through the API of a running Tributary, which
 * owns the key ring (in embedded mode, the only process that may write the key file). Owner key required.
 */
type Counts = Record<string, number>;

interface KeyList {
  source: 'file' | 'env';
  active_key: string;
  keys: { id: string; active: boolean; ciphertexts: number }[];
  unknown_keys: Counts;
}

interface RotateResult {
  source: 'file' | 'env';
  active_key: string;
  new_key: boolean;
  reencrypted: number;
  superseded: number;
  remaining: Counts;
  failed: Counts;
}

interface RetireResult {
  source: 'file' | 'env';
  retired: string;
  key_ids: string[];
  message: string;
}

const countsText = (counts: Counts) =>
  Object.entries(counts)
    .map(([id, n]) => `${id}: ${n}`)
    .join(', ') || 'none';

export async function keysList(client: ApiClient, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const list = await client.request<KeyList>('GET', '/keys');
  out.write(`Key ring from ${list.source === 'file' ? 'the key file' : 'TRIBUTARY_ENCRYPTION_KEYS'}:\n`);
  for (const key of list.keys) out.write(`  ${key.id.padEnd(20)} ${key.active ? 'active' : 'older '} ${key.ciphertexts} secret(s)\n`);
  if (Object.keys(list.unknown_keys).length > 0) out.write(`Not in this process's ring: ${countsText(list.unknown_keys)}\n`);
  return 0;
}

export async function keysRotate(client: ApiClient, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const result = await client.request<RotateResult>('POST', '/keys/rotate');
  out.write(`${result.new_key ? `New active key ${result.active_key} (written first in the key file).` : `Active key ${result.active_key}.`}\n`);
  out.write(`Re-encrypted ${result.reencrypted} secret(s)${result.superseded ? `; ${result.superseded} changed meanwhile and kept their newer value` : ''}.\n`);
  if (Object.keys(result.failed).length > 0) out.write(`Did not decrypt (left unchanged): ${countsText(result.failed)}\n`);
  if (Object.keys(result.remaining).length > 0) {
    out.write(`Still under older keys: ${countsText(result.remaining)}. Run \`tributary keys rotate\` again.\n`);
    return 1;
  }
  out.write('Nothing uses the older keys any more: `tributary keys retire <kid>` removes one.\n');
  return 0;
}

export async function keysRetire(client: ApiClient, kid: string, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const result = await client.request<RetireResult>('POST', `/keys/${encodeURIComponent(kid)}/retire`);
  out.write(`${result.message}\n`);
  return 0;
}

/** Adds list, rotate and retire (and the API key commands) under `tributary keys`; `apiFlags` adds --url and --key. */
export function registerKeyCommands(keys: Command, apiFlags: (cmd: Command) => Command): void {
  registerApiKeyCommands(keys, apiFlags);
  type Flags = { url?: string; key?: string };
  apiFlags(keys.command('list').description('Encryption key ids, the active one, and how many stored secrets use each')).action(async (flags: Flags) => {
    process.exitCode = await keysList(apiClientFromEnv(flags));
  });
  apiFlags(
    keys.command('rotate').description('Re-encrypt every stored secret under a new key (embedded: generated into the key file; TRIBUTARY_ENCRYPTION_KEYS: its first key)'),
  ).action(async (flags: Flags) => {
    process.exitCode = await keysRotate(apiClientFromEnv(flags));
  });
  apiFlags(keys.command('retire <kid>').description('Drop a key nothing uses any more (refused while anything does)')).action(async (kid: string, flags: Flags) => {
    process.exitCode = await keysRetire(apiClientFromEnv(flags), kid);
  });
}
