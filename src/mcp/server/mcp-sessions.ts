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
 * Idle sessions close after `idleMs`; the count is capped so a client looping on initialize cannot exhaust memory.
 */
export class McpSessions<T extends Transport = Transport> {
  private readonly sessions = new Map<string, McpSession<T>>();

  constructor(private readonly options: { idleMs: number; max: number }) {}

  get size(): number {
    return this.sessions.size;
  }

  hasRoom(): boolean {
    return this.sessions.size < this.options.max;
  }

  add(id: string, session: McpSession<T>): void {
    this.sessions.set(id, session);
  }

  /** The session if it exists and belongs to the same credential. */
  get(id: string, caller: McpCaller): McpSession<T> | undefined {
    const session = this.sessions.get(id);
    if (!session || session.caller.actor.kind !== caller.actor.kind || session.caller.actor.id !== caller.actor.id) return undefined;
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
