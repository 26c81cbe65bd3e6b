import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AppDeps } from '../../api/app-deps.js';
import type { McpCaller } from '../mcp-caller.js';
import { findStaleDeals, findStaleDealsArgs } from './find-stale-deals.js';
import { promptError } from './prompt-error.js';
import { summariseCompanyActivity, summariseCompanyActivityArgs } from './summarise-company-activity.js';
import { syncHealthReport } from './sync-health-report.js';

/**
 * The prompts, sorted by name. Each reads the caller's own data when it is asked for (scoped like the tools) and
 * hands the model that data with an instruction, so a prompt works even in a client that does not call tools.
 */
export function registerPrompts(server: McpServer, deps: AppDeps, caller: McpCaller): void {
  const guarded = <T>(build: () => Promise<T>) => build().catch((error: unknown) => Promise.reject(promptError(error, deps)));
  server.registerPrompt(
    'find_stale_deals',
    { title: 'Find stale deals', description: 'Open deals that have not changed for a number of days, ranked by risk with a next step for each.', argsSchema: findStaleDealsArgs },
    (args) => guarded(() => findStaleDeals(deps, caller, args)),
  );
  server.registerPrompt(
    'summarise_company_activity',
    { title: "Summarise a company's recent activity", description: "A company's activities, engagements, deals and invoices of the last days, summarised for an account manager.", argsSchema: summariseCompanyActivityArgs },
    (args) => guarded(() => summariseCompanyActivity(deps, caller, args)),
  );
  server.registerPrompt(
    'sync_health_report',
    { title: 'Sync health report', description: 'What is failing, stale or waiting among the connections, with the likely cause and the first thing to do.' },
    (extra) => guarded(() => syncHealthReport(deps, caller, extra.signal)),
  );
}
