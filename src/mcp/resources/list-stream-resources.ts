import type { ListResourcesResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import type { AppDeps } from '../../api/app-deps.js';
import type { McpCaller } from '../mcp-caller.js';
import { listConnectionsTool } from '../tools/connections/list-connections.js';
import { streamResourceEntry } from './stream-resource.js';

/** Connections per resources/list page; each brings all of its streams (a dozen at most per connector). */
export const connectionsPerResourcePage = 20;

/**
 * One page of resources/list: every stream of every connection the caller may see (all of the workspace's, its
 * clients' and products' included; only its products' for a product-scoped key), a page of connections at a time.
 * The cursor is list_connections' own, so both page the same way.
 */
export async function listStreamResources(deps: AppDeps, caller: McpCaller, cursor: string | undefined, signal: AbortSignal): Promise<ListResourcesResult> {
  const page = await listConnectionsTool.run(
    { deps, caller, signal },
    { include_all: true, limit: connectionsPerResourcePage, ...(cursor === undefined ? {} : { cursor }), status: undefined, connector: undefined, product: undefined },
  );
  const resources: Resource[] = [];
  for (const connection of page.connections) {
    // A connector removed from this build since the connection was made has no streams to show.
    if (!deps.catalog.has(connection.connector)) continue;
    for (const stream of deps.catalog.get(connection.connector).manifest.streams) resources.push(streamResourceEntry(connection, stream));
  }
  return { resources, ...(page.next_cursor ? { nextCursor: page.next_cursor } : {}) };
}
