import { redactCredentialsDeep } from '../../contracts/redact-credentials.js';
import { insertAuditLog } from '../../db/queries/audit-log.js';
import type { ServiceDeps } from '../service-deps.js';

/** Arguments beyond this many characters of JSON are cut: the audit log records what was asked, not bulk data. */
const maxArgumentsChars = 4000;

export interface ToolCallRecord {
  workspaceId: string;
  /** The API key behind the call (for an OAuth token, the key id its identity carries). */
  keyId: string;
  actor: { kind: 'api_key' | 'oauth_token'; id: string; clientId?: string | undefined };
  tool: string;
  arguments: unknown;
  /** `ok`, or the stable code of the failure (`forbidden`, `not_found`, `invalid_arguments`, `unknown_tool`, …). */
  outcome: string;
  durationMs: number;
}

/**
 * One MCP tool call in the audit log: who (key, token, OAuth client), which tool, its arguments with every
 * credential-named or credential-shaped value replaced, and how it ended. The arguments are model-written text:
 * they are scrubbed here and again by insertAuditLog, and cut to a bounded size.
 */
export async function recordToolCall(deps: Pick<ServiceDeps, 'db'>, call: ToolCallRecord): Promise<void> {
  const scrubbed = redactCredentialsDeep(call.arguments ?? {});
  const text = JSON.stringify(scrubbed) ?? '{}';
  const args = text.length > maxArgumentsChars ? { truncated: true, excerpt: text.slice(0, maxArgumentsChars) } : scrubbed;
  await insertAuditLog(deps.db, {
    workspaceId: call.workspaceId,
    actorKeyId: call.keyId,
    action: 'mcp.tool_call',
    targetType: 'mcp_tool',
    // Names of unknown tools are caller text: bounded like the rest.
    targetId: call.tool.slice(0, 100),
    data: {
      actor: { kind: call.actor.kind, id: call.actor.id, ...(call.actor.clientId ? { client_id: call.actor.clientId } : {}) },
      arguments: args,
      outcome: call.outcome,
      duration_ms: call.durationMs,
    },
  });
}
