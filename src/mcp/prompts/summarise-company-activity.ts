import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { CrmEntityType } from '../../contracts/crm.js';
import { entityView } from '../../services/crm/crm-views.js';
import { listCrmEntities } from '../../services/crm/list-crm-entities.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import type { McpCaller } from '../mcp-caller.js';
import { inProductScope } from '../../services/keys/product-scope.js';
import { scopeOf } from '../product-scope.js';
import { crmEntityResourceUri, readCrmEntityResource } from '../resources/crm-entity-resource.js';
import { parseDays } from './prompt-error.js';

export const summariseCompanyActivityArgs = {
  company_id: z.string().min(1).max(100).describe('The CRM company id (co_…).'),
  days: z.string().max(5).optional().describe('How many days back to look (default 30).'),
};

/** The most related rows of each kind put in the prompt: enough to summarise, bounded for the context window. */
const perKind = 50;

const timeOf: Partial<Record<CrmEntityType, string>> = { activities: 'occurred_at', engagements: 'start_date', deals: 'close_date', invoices: 'issued_at' };

/**
 * "What happened with this company lately": the company (as an embedded resource) and its activities,
 * engagements, deals and invoices of the last `days`, with the instruction to summarise them.
 */
export async function summariseCompanyActivity(deps: Pick<ServiceDeps, 'db'>, caller: McpCaller, args: { company_id: string; days?: string | undefined }): Promise<GetPromptResult> {
  const days = parseDays(args.days, 30);
  const since = Date.now() - days * 86_400_000;
  const uri = crmEntityResourceUri('companies', args.company_id);
  const company = await readCrmEntityResource(deps, caller, new URL(uri), 'companies', args.company_id);
  const recent: Record<string, unknown[]> = {};
  for (const type of ['activities', 'engagements', 'deals', 'invoices'] as const) {
    const { rows } = await listCrmEntities(deps, { type, ...scopeOf(caller), companyId: args.company_id, equals: {}, limit: perKind, offset: 0 });
    recent[type] = rows
      .filter((row) => inProductScope(row.product, caller.products))
      .map((row) => entityView(type, row))
      .filter((view) => {
        const at = view[timeOf[type] ?? 'updated_at'] ?? view['updated_at'];
        return typeof at === 'string' && Date.parse(at) >= since;
      });
  }
  const text = [
    `Summarise what has happened with this company over the last ${days} days, for an account manager.`,
    'Cover: activities and engagements (what, when, with whom), deals (stage, amount, movement), invoices (issued, paid, overdue), and anything that needs attention next.',
    'Use only the data below and what the Tributary tools return; say so when something is missing rather than guessing.',
    '',
    `Records of the last ${days} days (at most ${perKind} of each kind, newest first):`,
    JSON.stringify(recent),
  ].join('\n');
  const content = company.contents[0]!;
  return {
    description: `Recent activity of company ${args.company_id} (last ${days} days)`,
    messages: [
      { role: 'user', content: { type: 'resource', resource: { uri: content.uri, mimeType: 'application/json', text: 'text' in content ? String(content.text) : '' } } },
      { role: 'user', content: { type: 'text', text } },
    ],
  };
}
