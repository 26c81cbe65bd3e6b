import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isAppError, type ErrorCode } from '../contracts/errors.js';

/** Where an error result carries its stable code for programs (the text carries it for models). */
export const errorMetaKey = 'tributary/error';

export interface ToolErrorMeta {
  code: ErrorCode;
  field?: string;
}

/** A tool's output as MCP wants it: structuredContent matching outputSchema, and the same JSON as text for older clients. */
export function toolSuccess(structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

/**
 * A domain failure as a tool error (isError: true) the model can read and act on: `code: message`, with the code
 * also in `_meta`. Anything that is not an AppError is reported as `internal` without its message, which could
 * hold SQL or a stack; the caller logs it.
 */
export function toolError(error: unknown): CallToolResult {
  const meta: ToolErrorMeta = isAppError(error)
    ? { code: error.code, ...(error.field ? { field: error.field } : {}) }
    : { code: 'internal' };
  const message = isAppError(error) ? error.message : 'The tool failed unexpectedly; the error is in the server log.';
  return { content: [{ type: 'text', text: `${meta.code}: ${message}` }], isError: true, _meta: { [errorMetaKey]: meta } };
}
