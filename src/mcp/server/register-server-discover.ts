import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SUPPORTED_PROTOCOL_VERSIONS, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';

const DiscoverRequestSchema = z.object({ method: z.literal('server/discover'), params: z.optional(z.object({}).passthrough()) });

/**
 * `server/discover` (2026-07-28): what this server supports, without a handshake. It lists the revisions the SDK
 * speaks (up to 2025-11-25), not 2026-07-28, so a 2026-07-28 client learns to fall back rather than assume the
 * stateless revision's result shapes (docs/mcp.md says what is missing).
 */
export function registerServerDiscover(server: McpServer): void {
  server.server.setRequestHandler(DiscoverRequestSchema, async () => ({
    supportedVersions: [...SUPPORTED_PROTOCOL_VERSIONS],
    // The SDK keeps the merged capabilities private; initialize reports the same object.
    capabilities: (server.server as unknown as { getCapabilities(): ServerCapabilities }).getCapabilities(),
    serverInfo: { name: 'tributary', version: '0.1.0' },
  }));
}
