import type { McpToolDefinition } from '../../tool-definition.js';

/** The CRM tools (companies, contacts, deals, engagements, invoices, activities). */
export const crmTools: McpToolDefinition[] = [];
