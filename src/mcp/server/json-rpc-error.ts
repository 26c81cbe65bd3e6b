import type { FastifyReply } from 'fastify';
import type { ErrorCode } from '../../contracts/errors.js';

/** JSON-RPC error codes used at the HTTP edge of /mcp (the SDK answers the rest). */
export const jsonRpcCodes = { parseError: -32700, invalidRequest: -32600, methodNotFound: -32601, invalidParams: -32602, serverError: -32000, sessionNotFound: -32001 } as const;

/**
 * An HTTP-level refusal as a JSON-RPC error object (what MCP clients parse), with Tributary's stable error code in
 * `error.data.code` (docs/api-errors.md), so scripts can tell `unauthorized` from `rate_limited` without the status.
 */
export function sendJsonRpcError(reply: FastifyReply, status: number, rpcCode: number, code: ErrorCode, message: string, id: string | number | null = null): FastifyReply {
  return reply.status(status).type('application/json').send({ jsonrpc: '2.0', id, error: { code: rpcCode, message, data: { code } } });
}
