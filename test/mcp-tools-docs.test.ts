import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../src/api/app-deps.js';
import { allTools } from '../src/mcp/all-tools.js';
import { createMcpServer } from '../src/mcp/create-mcp-server.js';
import type { McpCaller } from '../src/mcp/mcp-caller.js';
import { repoRoot } from './support/child-process.js';

/** An owner with every product: the caller that sees everything the server can register. */
const owner: McpCaller = { workspaceId: 'ws_docs', dataSchema: 'ws_docs', keyId: 'key_docs', role: 'owner', readOnly: false, products: null, actor: { kind: 'api_key', id: 'key_docs' } };

/** The `### \`name\`` headings of one `## Section` of the page. */
function headingsOf(page: string, section: string): string[] {
  const start = page.indexOf(`\n## ${section}\n`);
  expect(start, `docs/mcp-tools.md has no "## ${section}" section`).toBeGreaterThanOrEqual(0);
  const rest = page.slice(start + section.length + 5);
  const end = rest.search(/\n## /);
  const body = end >= 0 ? rest.slice(0, end) : rest;
  return [...body.matchAll(/^### `([^`]+)`$/gm)].map((m) => m[1]!);
}

describe('docs/mcp-tools.md', () => {
  it('documents every tool, resource template and prompt the server registers, and nothing it does not', async () => {
    const page = await readFile(path.join(repoRoot, 'docs', 'mcp-tools.md'), 'utf8');
    // Listing tools, templates and prompts touches no dependency: registration alone is enough.
    const server = createMcpServer({} as AppDeps, owner);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'docs-check', version: '1.0.0' });
    await client.connect(clientSide);
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toEqual(allTools().map((t) => t.name).sort());
      expect(headingsOf(page, 'Tools').sort()).toEqual(tools);
      const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate).sort();
      expect(headingsOf(page, 'Resources').sort()).toEqual(templates);
      const prompts = (await client.listPrompts()).prompts.map((p) => p.name).sort();
      expect(headingsOf(page, 'Prompts').sort()).toEqual(prompts);
    } finally {
      await client.close();
    }
  });

  it("states each tool's role and whether it changes anything, as registered", async () => {
    const page = await readFile(path.join(repoRoot, 'docs', 'mcp-tools.md'), 'utf8');
    for (const tool of allTools()) {
      const at = page.indexOf(`### \`${tool.name}\``);
      const section = page.slice(at, page.indexOf('\n### ', at + 1));
      expect(section, tool.name).toContain(`Role: ${tool.minRole}. ${tool.mutates ? 'Mutating' : 'Read-only'}.`);
    }
  });
});
