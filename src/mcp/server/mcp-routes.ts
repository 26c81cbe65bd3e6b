import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AppDeps } from '../../api/app-deps.js';
import { AppError, errorCatalog } from '../../contracts/errors.js';
import { isTransientDbError } from '../../core/transient-error.js';
import type { LastUsedWrites } from '../../services/keys/authenticate-api-key.js';
import { createMcpServer } from '../create-mcp-server.js';
import type { McpCaller } from '../mcp-caller.js';
import { authenticateMcpRequest, presentedCredential, protectedResourceMetadataUrl } from './authenticate-mcp-request.js';
import { jsonRpcCodes, sendJsonRpcError } from './json-rpc-error.js';
import { McpSessions } from './mcp-sessions.js';
import type { McpTransportConfig } from './mcp-transport-config.js';
import { MemoryEventStore } from './memory-event-store.js';
import { isAllowedOrigin } from './origin-check.js';
import { registerServerDiscover } from './register-server-discover.js';
import { readOnlyHeader } from './read-only-header.js';
import { TokenBuckets } from './token-bucket.js';

/** Revisions from which JSON-RPC batches are gone (2025-06-18 removed them; 2025-03-26 had them). */
const firstRevisionWithoutBatches = '2025-06-18';
const sessionIdleMs = 30 * 60_000;
/** JSON-RPC endpoints, not REST operations: left out of the OpenAPI document (docs/mcp.md describes them). */
const hidden = { schema: { hide: true } };
const maxSessions = 1_000;
const maxSessionsPerCredential = 100;

/**
 * MCP over HTTP on the serve process:
 * - `/mcp`, Streamable HTTP. A request without `Mcp-Session-Id` that is not `initialize` is served statelessly by a
 *   fresh server (what 2026-07-28 makes the rule, and what any process behind a load balancer can answer); an
 *   `initialize` opens a session in this process, for what needs one in 2025-11-25: server-to-client requests
 *   (sampling, elicitation), the GET notification stream, and resuming a dropped stream with Last-Event-ID.
 * - `/mcp/sse` + `/mcp/messages`, the deprecated HTTP+SSE transport of 2024-11-05, for older clients.
 * Before any of that: Origin (DNS rebinding), the credential (401 with RFC 9728 metadata), and a per-credential
 * rate limit (429).
 */
export async function registerMcpRoutes(app: FastifyInstance, deps: AppDeps, config: McpTransportConfig): Promise<void> {
  const lastUsedWrites: LastUsedWrites = new Map();
  const buckets = new TokenBuckets(config.requestsPerMinute);
  const sessions = new McpSessions<StreamableHTTPServerTransport>({ idleMs: sessionIdleMs, max: maxSessions, maxPerCaller: maxSessionsPerCredential });
  const sseSessions = new McpSessions<SSEServerTransport>({ idleMs: sessionIdleMs, max: maxSessions, maxPerCaller: maxSessionsPerCredential });
  const callers = new WeakMap<FastifyRequest, McpCaller>();
  const serverOptions = { conformanceFixtures: config.conformanceFixtures };
  const newServer = (caller: McpCaller) => {
    const server = createMcpServer(deps, caller, serverOptions);
    registerServerDiscover(server);
    return server;
  };

  const sweep = setInterval(() => void Promise.all([sessions.closeIdle(), sseSessions.closeIdle()]), 60_000);
  sweep.unref();

  await app.register(async (scope) => {
    // The body stays text until the handler: a JSON parse failure is JSON-RPC's -32700, not the REST envelope.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: FastifyError | Error, request, reply) => renderError(error, request, reply, deps.config.publicUrl));
    // Open streams end before the listener waits for its connections to drain.
    scope.addHook('preClose', async () => {
      clearInterval(sweep);
      await Promise.all([sessions.closeAll(), sseSessions.closeAll()]);
    });

    scope.addHook('onRequest', async (request, reply) => {
      const origin = request.headers.origin;
      if (!isAllowedOrigin(origin, deps.config.publicUrl, config.allowedOrigins)) {
        return sendJsonRpcError(reply, 403, jsonRpcCodes.serverError, 'forbidden', `Origin ${JSON.stringify(origin)} may not call this MCP server (TRIBUTARY_MCP_ALLOWED_ORIGINS lists the origins allowed besides the public URL's).`);
      }
      const authenticated = await authenticateMcpRequest(deps, { credential: presentedCredential(request.headers), lastUsedWrites });
      // A client may narrow itself to read-only (`tributary mcp --read-only` over the bridge); never the reverse.
      const caller = request.headers[readOnlyHeader] === 'true' ? { ...authenticated, readOnly: true } : authenticated;
      const limited = buckets.take(`${caller.actor.kind}:${caller.actor.id}`, 1, config.now?.() ?? Date.now());
      if (!limited.ok) {
        reply.header('retry-after', String(limited.retryAfterSeconds));
        return sendJsonRpcError(reply, 429, jsonRpcCodes.serverError, 'rate_limited', `Rate limit of ${config.requestsPerMinute} requests per minute for this credential reached; retry in ${limited.retryAfterSeconds} s.`);
      }
      callers.set(request, caller);
      return undefined;
    });

    const callerOf = (request: FastifyRequest): McpCaller => callers.get(request)!;

    scope.post('/mcp', hidden, async (request, reply) => {
      const message = parseJsonRpc(request, reply);
      if (message === undefined) return reply;
      const caller = callerOf(request);
      const sessionId = headerValue(request, 'mcp-session-id');
      if (sessionId !== undefined) {
        const session = sessions.get(sessionId, caller);
        if (!session) return sendJsonRpcError(reply, 404, jsonRpcCodes.sessionNotFound, 'not_found', 'Session not found: initialize again.');
        reply.hijack();
        await session.transport.handleRequest(request.raw, reply.raw, message);
        return reply;
      }
      if (isInitializeRequest(message)) {
        if (!sessions.hasRoom(caller)) return tooManySessions(reply);
        const server = newServer(caller);
        const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          eventStore: new MemoryEventStore(),
          retryInterval: 1000,
          onsessioninitialized: (id) => sessions.add(id, { transport, server, caller, lastSeen: Date.now() }),
          onsessionclosed: (id) => sessions.delete(id),
        });
        transport.onclose = () => {
          if (transport.sessionId) sessions.delete(transport.sessionId);
        };
        await server.connect(transport);
        reply.hijack();
        await transport.handleRequest(request.raw, reply.raw, message);
        return reply;
      }
      // Stateless: one server and transport for this request only.
      const server = newServer(caller);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      reply.raw.on('close', () => void server.close().catch(() => undefined));
      await server.connect(transport);
      reply.hijack();
      await transport.handleRequest(request.raw, reply.raw, message);
      return reply;
    });

    // The GET notification stream and DELETE exist only within a session.
    const sessionOnly = async (request: FastifyRequest, reply: FastifyReply) => {
      const sessionId = headerValue(request, 'mcp-session-id');
      if (sessionId === undefined) {
        reply.header('allow', 'POST');
        return sendJsonRpcError(reply, 405, jsonRpcCodes.serverError, 'bad_request', `${request.method} /mcp needs an Mcp-Session-Id (from initialize); without a session, POST each request.`);
      }
      const session = sessions.get(sessionId, callerOf(request));
      if (!session) return sendJsonRpcError(reply, 404, jsonRpcCodes.sessionNotFound, 'not_found', 'Session not found: initialize again.');
      reply.hijack();
      await session.transport.handleRequest(request.raw, reply.raw);
      if (request.method === 'DELETE') await sessions.close(sessionId);
      return reply;
    };
    scope.get('/mcp', hidden, sessionOnly);
    scope.delete('/mcp', hidden, sessionOnly);

    scope.get('/mcp/sse', hidden, async (request, reply) => {
      const caller = callerOf(request);
      if (!sseSessions.hasRoom(caller)) return tooManySessions(reply);
      const server = newServer(caller);
      const transport = new SSEServerTransport('/mcp/messages', reply.raw);
      sseSessions.add(transport.sessionId, { transport, server, caller, lastSeen: Date.now() });
      transport.onclose = () => sseSessions.delete(transport.sessionId);
      reply.raw.on('close', () => void sseSessions.close(transport.sessionId));
      reply.hijack();
      await server.connect(transport);
      return reply;
    });

    scope.post('/mcp/messages', hidden, async (request, reply) => {
      const sessionId = (request.query as Record<string, unknown>)['sessionId'];
      const session = typeof sessionId === 'string' ? sseSessions.get(sessionId, callerOf(request)) : undefined;
      if (!session) return sendJsonRpcError(reply, 404, jsonRpcCodes.sessionNotFound, 'not_found', 'SSE session not found: open GET /mcp/sse again.');
      const message = parseJsonRpc(request, reply);
      if (message === undefined) return reply;
      reply.hijack();
      await session.transport.handlePostMessage(request.raw, reply.raw, message);
      return reply;
    });
  });
}

function tooManySessions(reply: FastifyReply): FastifyReply {
  reply.header('retry-after', '60');
  return sendJsonRpcError(reply, 429, jsonRpcCodes.serverError, 'rate_limited', 'Too many open MCP sessions on this server; retry later, or send requests without a session.');
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The request body as JSON-RPC, or undefined once an error has been sent: not JSON (-32700), an empty batch, or a
 * batch under a revision that has none (-32600). Message shapes are the SDK's to check.
 */
function parseJsonRpc(request: FastifyRequest, reply: FastifyReply): unknown {
  if (typeof request.body !== 'string' || request.body.trim() === '') {
    sendJsonRpcError(reply, 400, jsonRpcCodes.parseError, 'invalid_json', 'Parse error: send one JSON-RPC message as an application/json body.');
    return undefined;
  }
  let message: unknown;
  try {
    message = JSON.parse(request.body);
  } catch {
    sendJsonRpcError(reply, 400, jsonRpcCodes.parseError, 'invalid_json', 'Parse error: the body is not valid JSON.');
    return undefined;
  }
  if (Array.isArray(message)) {
    const version = headerValue(request, 'mcp-protocol-version');
    if (message.length === 0) {
      sendJsonRpcError(reply, 400, jsonRpcCodes.invalidRequest, 'bad_request', 'Invalid Request: an empty batch.');
      return undefined;
    }
    if (version !== undefined && version >= firstRevisionWithoutBatches) {
      sendJsonRpcError(reply, 400, jsonRpcCodes.invalidRequest, 'bad_request', `Invalid Request: protocol revision ${version} has no JSON-RPC batches; send one message per request.`);
      return undefined;
    }
  }
  return message;
}

/** Every refusal of this scope as a JSON-RPC error; 401s carry where to get a token (RFC 9728 §5.1). */
function renderError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply, publicUrl: string): FastifyReply {
  if (error instanceof AppError) {
    if (error.code === 'unauthorized') {
      const presented = presentedCredential(request.headers) !== undefined;
      reply.header('www-authenticate', `Bearer resource_metadata="${protectedResourceMetadataUrl(publicUrl)}"${presented ? ', error="invalid_token"' : ''}`);
    }
    if (error.status >= 500) request.log.error({ err: { message: error.message, code: error.code } }, 'mcp request failed');
    return sendJsonRpcError(reply, error.status, jsonRpcCodes.serverError, error.code, error.message);
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    const code = fastifyError.statusCode === 413 ? 'payload_too_large' : fastifyError.statusCode === 415 ? 'unsupported_media_type' : 'bad_request';
    const rpc = fastifyError.statusCode === 413 || fastifyError.statusCode === 415 ? jsonRpcCodes.invalidRequest : jsonRpcCodes.parseError;
    const message = code === 'unsupported_media_type' ? 'Unsupported Media Type: send JSON-RPC as application/json.' : fastifyError.message;
    return sendJsonRpcError(reply, fastifyError.statusCode, rpc, code, message);
  }
  // As for the REST API: a dropped database connection is worth retrying, not an internal error.
  if (isTransientDbError(error)) {
    reply.header('retry-after', '1');
    return sendJsonRpcError(reply, errorCatalog.database_unavailable, jsonRpcCodes.serverError, 'database_unavailable', 'The database is unavailable for a moment; retry the request.');
  }
  request.log.error({ err: { message: error.message, name: error.name } }, 'mcp request failed');
  return sendJsonRpcError(reply, errorCatalog.internal, -32603, 'internal', 'Internal error; see the server log.');
}
