import { z } from 'zod';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * The tools, resources and prompts the official MCP conformance suite (@modelcontextprotocol/conformance) calls by
 * fixed names. For testing only: TRIBUTARY_MCP_CONFORMANCE=1 turns them on (off by default); they touch no data.
 * Names and payloads are the suite's, so they cannot follow Tributary's own naming.
 */
export function registerConformanceFixtures(server: McpServer): void {
  // Capabilities a product tool set may not declare: logging, completions, resource subscriptions.
  server.server.registerCapabilities({ logging: {}, completions: {}, resources: { subscribe: true } });
  server.server.setRequestHandler(SetLevelRequestSchema, async () => ({}));
  const subscriptions = new Set<string>();
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    subscriptions.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscriptions.delete(request.params.uri);
    return {};
  });
  registerFixtureTools(server);
  registerFixtureResources(server);
  registerFixturePrompts(server);
}

/** A 1×1 red PNG. */
const pngBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
/** A 44-byte WAV header with no samples. */
const wavBase64 = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function registerFixtureTools(server: McpServer): void {
  const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });
  server.registerTool('test_simple_text', { description: 'Returns a simple text response (conformance fixture).' }, async () => text('This is a simple text response for testing.'));
  server.registerTool('test_image_content', { description: 'Returns an image (conformance fixture).' }, async () => ({
    content: [{ type: 'image' as const, data: pngBase64, mimeType: 'image/png' }],
  }));
  server.registerTool('test_audio_content', { description: 'Returns audio (conformance fixture).' }, async () => ({
    content: [{ type: 'audio' as const, data: wavBase64, mimeType: 'audio/wav' }],
  }));
  server.registerTool('test_embedded_resource', { description: 'Returns an embedded resource (conformance fixture).' }, async () => ({
    content: [{ type: 'resource' as const, resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
  }));
  server.registerTool('test_multiple_content_types', { description: 'Returns text, an image and a resource (conformance fixture).' }, async () => ({
    content: [
      { type: 'text' as const, text: 'Multiple content types test:' },
      { type: 'image' as const, data: pngBase64, mimeType: 'image/png' },
      { type: 'resource' as const, resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
    ],
  }));
  server.registerTool('test_tool_with_logging', { description: 'Sends three log notifications while it runs (conformance fixture).' }, async (extra) => {
    for (const [i, message] of ['Tool execution started', 'Tool processing data', 'Tool execution completed'].entries()) {
      if (i > 0) await pause(50);
      await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: message } });
    }
    return text('Tool with logging executed successfully');
  });
  server.registerTool('test_error_handling', { description: 'Always fails (conformance fixture).' }, async () => ({
    isError: true,
    content: [{ type: 'text' as const, text: 'This tool intentionally returns an error for testing' }],
  }));
  server.registerTool('test_tool_with_progress', { description: 'Reports progress 0, 50, 100 of 100 (conformance fixture).' }, async (extra) => {
    const token = extra._meta?.progressToken;
    for (const [i, progress] of [0, 50, 100].entries()) {
      if (i > 0) await pause(50);
      if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, total: 100, message: `Completed step ${i + 1} of 3` } });
    }
    return text('Tool with progress executed successfully');
  });
  server.registerTool(
    'test_sampling',
    { description: 'Asks the client to sample from its model (conformance fixture).', inputSchema: { prompt: z.string().describe('The prompt to send') } },
    async ({ prompt }, extra) => {
      const result = await extra.sendRequest(
        { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 } },
        CreateMessageResultSchema,
      );
      const reply = result.content.type === 'text' ? result.content.text : `[${result.content.type}]`;
      return text(`LLM response: ${reply}`);
    },
  );
  server.registerTool(
    'test_elicitation',
    { description: 'Asks the client for user input (conformance fixture).', inputSchema: { message: z.string().describe('What to ask the user') } },
    async ({ message }, extra) => {
      const result = await extra.sendRequest(
        {
          method: 'elicitation/create',
          params: {
            message,
            requestedSchema: {
              type: 'object',
              properties: { username: { type: 'string', description: "User's response" }, email: { type: 'string', description: "User's email address" } },
              required: ['username', 'email'],
            },
          },
        },
        ElicitResultSchema,
      );
      return text(`User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
    },
  );
  server.registerTool('test_elicitation_sep1034_defaults', { description: 'Elicitation with a default for every primitive type (conformance fixture).' }, async (extra) => {
    const result = await extra.sendRequest(
      {
        method: 'elicitation/create',
        params: {
          message: 'Please review and update the form fields with defaults',
          requestedSchema: {
            type: 'object',
            properties: {
              name: { type: 'string', description: 'User name', default: 'John Doe' },
              age: { type: 'integer', description: 'User age', default: 30 },
              score: { type: 'number', description: 'User score', default: 95.5 },
              status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
              verified: { type: 'boolean', description: 'Verification status', default: true },
            },
            required: [],
          },
        },
      },
      ElicitResultSchema,
    );
    return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  });
  server.registerTool('test_elicitation_sep1330_enums', { description: 'Elicitation with every enum form (conformance fixture).' }, async (extra) => {
    const result = await extra.sendRequest(
      {
        method: 'elicitation/create',
        params: {
          message: 'Please select options from the enum fields',
          requestedSchema: {
            type: 'object',
            properties: {
              untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
              titledSingle: {
                type: 'string',
                description: 'Select one option with titles',
                oneOf: [
                  { const: 'value1', title: 'First Option' },
                  { const: 'value2', title: 'Second Option' },
                  { const: 'value3', title: 'Third Option' },
                ],
              },
              legacyEnum: { type: 'string', description: 'Select one option (legacy)', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
              untitledMulti: { type: 'array', description: 'Select multiple options', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
              titledMulti: {
                type: 'array',
                description: 'Select multiple options with titles',
                minItems: 1,
                maxItems: 3,
                items: {
                  anyOf: [
                    { const: 'value1', title: 'First Choice' },
                    { const: 'value2', title: 'Second Choice' },
                    { const: 'value3', title: 'Third Choice' },
                  ],
                },
              },
            },
            required: [],
          },
        },
      } as never,
      ElicitResultSchema,
    );
    return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  });
  // The suite checks that $schema, $defs and additionalProperties survive into tools/list (SEP-1613).
  const address = { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } };
  server.registerTool(
    'json_schema_2020_12_tool',
    {
      description: 'A tool whose input schema uses JSON Schema 2020-12 keywords (conformance fixture).',
      inputSchema: z
        .object({
          name: z.string(),
          address: z.object({ street: z.string().optional(), city: z.string().optional() }).optional().meta({ $ref: '#/$defs/address' }),
        })
        .strict()
        .meta({ $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: { address } }),
    },
    async (args) => text(`Received: ${JSON.stringify(args)}`),
  );
  // Closes its SSE stream mid-call (when the transport can resume) so the client reconnects with Last-Event-ID.
  server.registerTool('test_reconnection', { description: 'Closes the SSE stream mid-call to test resumption (conformance fixture).' }, async (extra) => {
    await pause(100);
    extra.closeSSEStream?.();
    await pause(200);
    return text('Reconnection test completed successfully');
  });
}

function registerFixtureResources(server: McpServer): void {
  server.registerResource('static-text', 'test://static-text', { description: 'A static text resource (conformance fixture).', mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }],
  }));
  server.registerResource('static-binary', 'test://static-binary', { description: 'A static PNG (conformance fixture).', mimeType: 'image/png' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'image/png', blob: pngBase64 }],
  }));
  server.registerResource('watched-resource', 'test://watched-resource', { description: 'A resource clients may subscribe to (conformance fixture).', mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'Watched resource content.' }],
  }));
  server.registerResource(
    'template-data',
    new ResourceTemplate('test://template/{id}/data', { list: undefined }),
    { description: 'A resource template with an id parameter (conformance fixture).', mimeType: 'application/json' },
    async (uri, { id }) => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${String(id)}` }) }],
    }),
  );
}

function registerFixturePrompts(server: McpServer): void {
  server.registerPrompt('test_simple_prompt', { description: 'A prompt without arguments (conformance fixture).' }, async () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }],
  }));
  server.registerPrompt(
    'test_prompt_with_arguments',
    {
      description: 'A prompt with two arguments (conformance fixture).',
      argsSchema: {
        arg1: completable(z.string().describe('First test argument'), (value) => ['paris', 'park', 'party', 'test'].filter((v) => v.startsWith(value ?? ''))),
        arg2: z.string().describe('Second test argument'),
      },
    },
    async ({ arg1, arg2 }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }] }),
  );
  server.registerPrompt(
    'test_prompt_with_embedded_resource',
    { description: 'A prompt embedding a resource (conformance fixture).', argsSchema: { resourceUri: z.string().describe('URI of the resource to embed') } },
    async ({ resourceUri }) => ({
      messages: [
        { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
        { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
      ],
    }),
  );
  server.registerPrompt('test_prompt_with_image', { description: 'A prompt with an image (conformance fixture).' }, async () => ({
    messages: [
      { role: 'user', content: { type: 'image', data: pngBase64, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  }));
}
