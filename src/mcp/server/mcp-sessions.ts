import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpCaller } from '../mcp-caller.js';

export interface McpSession<T extends Transport = Transport> {
  transport: T;
  server: McpServer;
  caller: McpCaller;
  lastSeen: number;
}

/**
 * Sessions of this process (Streamable HTTP clients that initialized, and legacy SSE streams), each bound to the
 * credential that opened it: another credential presenting its id gets "not found", as for an unknown id.
 * Idle sessions close after `idleMs`; the count is capped, in all and per credential, so a client looping on
 * initialize can neither exhaust memory nor crowd out other credentials.
 */
export class McpSessions<T extends Transport = Transport> {
  private readonly sessions = new Map<string, McpSession<T>>();

  constructor(private readonly options: { idleMs: number; max: number; maxPerCaller: number }) {}

  get size(): number {
    return this.sessions.size;
  }

  hasRoom(caller: McpCaller): boolean {
    if (this.sessions.size >= this.options.max) return false;
    let own = 0;
    for (const session of this.sessions.values()) if (sameCredential(session.caller, caller)) own++;
    return own < this.options.maxPerCaller;
  }

  add(id: string, session: McpSession<T>): void {
    this.sessions.set(id, session);
  }

  /** The session if it exists and belongs to the same credential. */
  get(id: string, caller: McpCaller): McpSession<T> | undefined {
    const session = this.sessions.get(id);
    if (!session || !sameCredential(session.caller, caller)) return undefined;
    session.lastSeen = Date.now();
    return session;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  async closeIdle(now = Date.now()): Promise<void> {
    const idle = [...this.sessions.entries()].filter(([, s]) => now - s.lastSeen > this.options.idleMs);
    await Promise.all(idle.map(([id]) => this.close(id)));
  }

  async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    await session?.server.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }
}

function sameCredential(a: McpCaller, b: McpCaller): boolean {
  return a.actor.kind === b.actor.kind && a.actor.id === b.actor.id;
}
