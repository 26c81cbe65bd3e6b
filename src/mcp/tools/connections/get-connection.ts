import { z } from 'zod';
import { ConnectionDetailSchema } from '../../../contracts/api/connections.js';
import { getConnectionDetail } from '../../../services/connections/get-connection-detail.js';
import { connectionDetailView } from '../../../api/views.js';
import { readTool } from '../../tool-definition.js';
import { scopeOf } from '../../product-scope.js';

const input = { connection_id: z.string().min(1).max(100).describe('The connection id (from list_connections).') };
const output = ConnectionDetailSchema.shape;

/** GET /connections/:id: one connection with its latest run and recent ones. */
export const getConnectionTool = readTool({
  name: 'get_connection',
  title: 'Get a connection',
  description: 'One connection: status, settings (never credentials), schedule, last sync, and its latest run with per-stream counts plus the recent runs.',
  inputSchema: input,
  outputSchema: output,
  async run({ deps, caller }, args) {
    return connectionDetailView(await getConnectionDetail(deps, { ...scopeOf(caller), connectionId: args.connection_id }));
  },
});
