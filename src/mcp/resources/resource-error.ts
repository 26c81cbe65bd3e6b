import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { isAppError } from '../../contracts/errors.js';
import type { ServiceDeps } from '../../services/service-deps.js';

/** The specification's code for a resource that does not exist (2025-11-25, Resources › Error handling). */
export const resourceNotFoundCode = -32002;

/**
 * A failure while reading or listing resources as a JSON-RPC error: a missing one (or one outside the caller's
 * workspace or products) -32002, bad input -32602, anything else -32603 without its message (logged instead).
 */
export function resourceError(error: unknown, deps: Pick<ServiceDeps, 'logger'>): McpError {
  if (error instanceof McpError) return error;
  if (isAppError(error)) {
    if (error.status === 404) return new McpError(resourceNotFoundCode, `${error.code}: ${error.message}`);
    if (error.status < 500) return new McpError(ErrorCode.InvalidParams, `${error.code}: ${error.message}`);
  }
  deps.logger.error({ err: error }, 'MCP resource read failed');
  return new McpError(ErrorCode.InternalError, 'internal: reading the resource failed; the error is in the server log.');
}

/** A template variable as given in the URI, percent-decoded; `not_found`-like for one that does not decode. */
export function uriVariable(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? value.join(',') : (value ?? '');
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new McpError(ErrorCode.InvalidParams, `"${raw.slice(0, 100)}" is not a valid URI segment.`);
  }
}
