import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { isAppError } from '../../contracts/errors.js';
import type { ServiceDeps } from '../../services/service-deps.js';

/** A failure while building a prompt as a JSON-RPC error: bad or unknown input -32602, anything else -32603 (logged). */
export function promptError(error: unknown, deps: Pick<ServiceDeps, 'logger'>): McpError {
  if (error instanceof McpError) return error;
  if (isAppError(error) && error.status < 500) return new McpError(ErrorCode.InvalidParams, `${error.code}: ${error.message}`);
  deps.logger.error({ err: error }, 'MCP prompt failed');
  return new McpError(ErrorCode.InternalError, 'internal: building the prompt failed; the error is in the server log.');
}

/** A prompt's `days` argument (prompt arguments are strings): a whole number of days, 1 to 3650. */
export function parseDays(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new McpError(ErrorCode.InvalidParams, `days: "${value.slice(0, 20)}" is not a whole number of days from 1 to 3650.`);
  return days;
}
