import type { McpToolDefinition } from '../../tool-definition.js';
import { crmToolEntities } from './crm-tool-support.js';
import { getEntityTool } from './get-entity-tool.js';
import { listEntitiesTool, searchEntitiesTool } from './list-entities-tool.js';
import { createEntityTool, createEntityToolFor, updateEntityTool } from './write-entity-tools.js';

/**
 * The CRM tools, in a stable order: for companies, contacts, deals, engagements and invoices, search / list / get /
 * create / update; then log_activity. Each takes `product` and stays within the caller's products (another
 * product's id is not_found, a product outside them forbidden), through the same services as the REST routes.
 */
export const crmTools: McpToolDefinition[] = [
  ...crmToolEntities.flatMap((type) => [searchEntitiesTool(type), listEntitiesTool(type), getEntityTool(type), createEntityToolFor(type), updateEntityTool(type)]),
  createEntityTool('activities', {
    name: 'log_activity',
    title: 'Log an activity',
    description:
      'Log an activity on the CRM timeline: activity_type (free-form: call, meeting, note, scan_completed…), title, description, source, occurred_at, metadata, and the company_id / contact_id it concerns.',
  }),
];
