import type { Command } from 'commander';
import { apiClientFromEnv, type ApiClient } from '../api-client.js';

/** `tributary keys create` and `tributary keys api-keys`: API keys through the API of a running Tributary. */
interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  role: string;
  read_only: boolean;
  products: string[] | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreateKeyFlags {
  role: string;
  readOnly?: boolean;
  /** Repeatable `--product`; `--all-products` sends null (every product) where the default would inherit the creator's. */
  product?: string[];
  allProducts?: boolean;
}

const scopeText = (key: Pick<ApiKeyView, 'read_only' | 'products'>) =>
  `${key.read_only ? 'read-only' : 'read-write'}, ${key.products ? `products ${key.products.join(', ')}` : 'every product'}`;

/** Creates a key and prints it once (it is stored hashed); the creating key's limits apply (never a broader key). */
export async function keysCreate(client: ApiClient, name: string, flags: CreateKeyFlags, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (flags.allProducts && flags.product?.length) throw new Error('Give --product or --all-products, not both.');
  const body: Record<string, unknown> = { name, role: flags.role };
  if (flags.readOnly) body['read_only'] = true;
  if (flags.product?.length) body['products'] = flags.product;
  if (flags.allProducts) body['products'] = null;
  const created = await client.request<ApiKeyView & { key: string }>('POST', '/api-keys', body);
  out.write(`Created ${created.id} (${created.role}; ${scopeText(created)}). The key, shown this once:\n${created.key}\n`);
  return 0;
}

export async function keysApiList(client: ApiClient, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { data } = await client.request<{ data: ApiKeyView[] }>('GET', '/api-keys');
  for (const key of data) {
    out.write(`${key.id.padEnd(22)} ${key.prefix.padEnd(10)} ${key.role.padEnd(8)} ${scopeText(key)}${key.revoked_at ? ' (revoked)' : ''}  ${key.name}\n`);
  }
  return 0;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerApiKeyCommands(keys: Command, apiFlags: (cmd: Command) => Command): void {
  type Flags = CreateKeyFlags & { url?: string; key?: string };
  apiFlags(
    keys
      .command('create <name>')
      .description('Create an API key (printed once); --read-only and --product limit it')
      .requiredOption('--role <role>', 'viewer, member, manager, admin or owner (at most the calling key\'s role)')
      .option('--read-only', 'the key may call nothing that changes data')
      .option('--product <product>', 'scope the key to a product (repeat for several); default: the calling key\'s products', collect)
      .option('--all-products', 'every product, untagged data included (only from an unscoped key)'),
  ).action(async (name: string, flags: Flags) => {
    process.exitCode = await keysCreate(apiClientFromEnv(flags), name, flags);
  });
  apiFlags(keys.command('api-keys').description("The workspace's API keys: role, read-only, products (never the keys)")).action(async (flags: { url?: string; key?: string }) => {
    process.exitCode = await keysApiList(apiClientFromEnv(flags));
  });
}
