import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { AppError } from '../../contracts/errors.js';
import { entityView } from '../../services/crm/crm-views.js';
import { listCrmEntities } from '../../services/crm/list-crm-entities.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import type { McpCaller } from '../mcp-caller.js';
import { parseDays } from './prompt-error.js';
import { scopeOf } from '../product-scope.js';

export const findStaleDealsArgs = {
  days: z.string().max(5).optional().describe('Days without a change that make a deal stale (default 14).'),
  product: z.string().min(1).max(100).optional().describe('Only deals of this product.'),
};

/** Deals read to find the stale ones, newest first; the prompt says when there were more. */
const scanLimit = 200;

/**
 * Open deals that nothing has touched for `days` (a deal's last change is its updated_at: a synced deal changes
 * when its source does, an activity logged on it through the API updates it), with the instruction to rank them
 * and suggest a next step for each.
 */
export async function findStaleDeals(deps: Pick<ServiceDeps, 'db'>, caller: McpCaller, args: { days?: string | undefined; product?: string | undefined }): Promise<GetPromptResult> {
  const days = parseDays(args.days, 14);
  const cutoff = Date.now() - days * 86_400_000;
  if (args.product !== undefined && caller.products !== null && !caller.products.includes(args.product)) {
    throw new AppError('not_found', `No product "${args.product}" for this key.`);
  }
  const products: (string | undefined)[] = args.product !== undefined ? [args.product] : caller.products === null ? [undefined] : [...caller.products].sort();
  const stale: Record<string, unknown>[] = [];
  let more = false;
  for (const product of products) {
    const { rows, total } = await listCrmEntities(deps, { type: 'deals', ...scopeOf(caller), product, equals: {}, limit: scanLimit, offset: 0 });
    more ||= total > rows.length;
    for (const row of rows) {
      const view = entityView('deals', row);
      const closed = /^(won|lost|closed)/i.test(String(view['status'] ?? '')) || /^closed/i.test(String(view['stage'] ?? ''));
      const updated = typeof view['updated_at'] === 'string' ? Date.parse(view['updated_at']) : Number.NaN;
      if (!closed && updated < cutoff) stale.push(view);
    }
  }
  const text = [
    `These open deals${args.product ? ` of product "${args.product}"` : ''} have not changed for ${days} days or more.`,
    'Rank them by risk (amount, how long they have been quiet, close date), and suggest one concrete next step for each.',
    'Look up a deal\'s company and contacts with the Tributary CRM tools or the tributary://crm/{entity}/{id} resources when that helps.',
    more ? `Only the ${scanLimit} newest deals${products.length > 1 ? ' of each product' : ''} were checked: say so in the answer.` : '',
    '',
    stale.length === 0 ? 'No stale open deals were found.' : JSON.stringify(stale),
  ]
    .filter((line, i, all) => line !== '' || all[i - 1] !== '')
    .join('\n');
  return { description: `Open deals without change for ${days} days`, messages: [{ role: 'user', content: { type: 'text', text } }] };
}
