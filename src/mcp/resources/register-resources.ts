import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListResourcesRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { AppDeps } from '../../api/app-deps.js';
import { crmEntityTypes } from '../../contracts/crm.js';
import type { McpCaller } from '../mcp-caller.js';
import { readCrmEntityResource, crmEntityResourceTemplate } from './crm-entity-resource.js';
import { listStreamResources } from './list-stream-resources.js';
import { resourceError, uriVariable } from './resource-error.js';
import { readStreamResource, streamResourceTemplate } from './stream-resource.js';

/**
 * The resources: each synced stream of each connection (`tributary://connections/{id}/streams/{stream}`, listed by
 * resources/list) and each CRM entity by id (`tributary://crm/{entity}/{id}`, a template only: there can be
 * millions, and the CRM tools find them). Both are JSON.
 *
 * resources/list is paginated with a cursor. The SDK's McpServer neither passes the request's cursor to a
 * template's list callback nor returns its nextCursor, so the handler it installs is replaced by one that does.
 */
export function registerResources(server: McpServer, deps: AppDeps, caller: McpCaller): void {
  server.registerResource(
    'stream',
    new ResourceTemplate(streamResourceTemplate, { list: undefined }),
    {
      title: 'A synced stream',
      description: "A connection's stream: its typed columns, row counts and freshness (last sync). Read the rows with the query_stream tool.",
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      try {
        return await readStreamResource(deps, caller, uri, uriVariable(variables['id']), uriVariable(variables['stream']));
      } catch (error) {
        throw resourceError(error, deps);
      }
    },
  );
  server.registerResource(
    'crm_entity',
    new ResourceTemplate(crmEntityResourceTemplate, {
      list: undefined,
      // completion/complete of {entity}: the six type names (ids are found with the CRM tools).
      complete: { entity: (value) => crmEntityTypes.filter((t) => t.startsWith(value)) },
    }),
    {
      title: 'A CRM entity',
      description: 'One company, contact, deal, engagement, invoice or activity by id ({entity} is the plural type name), with the synced records it came from.',
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      try {
        return await readCrmEntityResource(deps, caller, uri, uriVariable(variables['entity']), uriVariable(variables['id']));
      } catch (error) {
        throw resourceError(error, deps);
      }
    },
  );
  server.server.setRequestHandler(ListResourcesRequestSchema, async (request, extra) => {
    try {
      return await listStreamResources(deps, caller, request.params?.cursor, extra.signal);
    } catch (error) {
      throw resourceError(error, deps);
    }
  });
}
