import { z } from 'zod';
import { ConnectionSchema, ConnectionStatusSchema } from '../../../contracts/api/connections.js';
import { listWorkspaceConnections } from '../../../services/connections/list-workspace-connections.js';
import { connectionView } from '../../../api/views.js';
import { readTool } from '../../tool-definition.js';
import { decodePageCursor, encodePageCursor } from '../page-cursor.js';
import { scopeOf } from '../../product-scope.js';

const input = {
  status: ConnectionStatusSchema.optional().describe('Only connections with this status.'),
  connector: z.string().max(100).optional().describe('Only connections of this connector id (e.g. "github", "stripe").'),
  product: z.string().min(1).max(100).optional().describe('Only connections tagged with this product.'),
  include_all: z
    .boolean()
    .default(false)
    .describe("Without product: false (default) lists the workspace's own connections, as the REST API does; true lists every connection, its clients' and products' too."),
  limit: z.number().int().min(1).max(100).default(50).describe('Connections per page, at most 100.'),
  cursor: z.string().max(200).optional().describe('next_cursor of the previous page.'),
};

const output = { connections: z.array(ConnectionSchema), next_cursor: z.string().nullable() };

/**
 * The workspace's connections, newest first, as GET /connections lists them. A key scoped to products lists the
 * connections of each of its products in turn (the cursor remembers which), so its pages never hold another
 * product's connection and the paging needs no query of its own.
 */
export const listConnectionsTool = readTool({
  name: 'list_connections',
  title: 'List connections',
  description:
    'List the connections (installed connectors) of the workspace with their status and last sync, newest first. Filter by status, connector or product; page with cursor/next_cursor. Credentials are never shown.',
  inputSchema: input,
  outputSchema: output,
  async run({ deps, caller }, args) {
    const position = args.cursor ? decodePageCursor(args.cursor, ['o', 'p']) : { o: 0, p: 0 };
    const base = { connectorId: args.connector, status: args.status, companyId: undefined, crewId: undefined };
    if (caller.products === null) {
      const filters = { ...base, product: args.product, includeAll: args.include_all };
      const { rows, total } = await listWorkspaceConnections(deps, { ...scopeOf(caller), filters, page: { limit: args.limit, offset: position['o'] ?? 0 } });
      const next = (position['o'] ?? 0) + rows.length;
      return { connections: rows.map(connectionView), next_cursor: next < total && rows.length > 0 ? encodePageCursor({ o: next }) : null };
    }
    // A product-scoped key: its products (or the one asked for, if it is one of them), one after the other.
    const products = [...caller.products].sort().filter((p) => args.product === undefined || p === args.product);
    const connections: z.infer<typeof ConnectionSchema>[] = [];
    let productIndex = position['p'] ?? 0;
    let offset = position['o'] ?? 0;
    while (productIndex < products.length && connections.length < args.limit) {
      const filters = { ...base, product: products[productIndex], includeAll: false };
      const want = args.limit - connections.length;
      const { rows, total } = await listWorkspaceConnections(deps, { ...scopeOf(caller), filters, page: { limit: want, offset } });
      connections.push(...rows.map(connectionView));
      offset += rows.length;
      if (offset >= total || rows.length === 0) {
        productIndex += 1;
        offset = 0;
      }
    }
    return { connections, next_cursor: productIndex < products.length ? encodePageCursor({ p: productIndex, o: offset }) : null };
  },
});
