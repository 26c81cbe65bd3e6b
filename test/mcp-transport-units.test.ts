import { describe, expect, it } from 'vitest';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpCaller } from '../src/mcp/mcp-caller.js';
import { McpSessions } from '../src/mcp/server/mcp-sessions.js';
import { readMcpTransportConfig } from '../src/mcp/server/mcp-transport-config.js';
import { isAllowedOrigin } from '../src/mcp/server/origin-check.js';
import { TokenBuckets } from '../src/mcp/server/token-bucket.js';

const caller = (id: string, kind: 'api_key' | 'oauth_token' = 'api_key'): McpCaller => ({
  workspaceId: 'w',
  dataSchema: 'ws_w',
  keyId: id,
  role: 'owner',
  readOnly: false,
  products: null,
  actor: { kind, id },
});
const session = (c: McpCaller, lastSeen = Date.now()) => ({ transport: {} as Transport, server: new McpServer({ name: 't', version: '0' }), caller: c, lastSeen });

describe('MCP sessions', () => {
  it('belong to the credential that opened them: another key, or a token with the same id, sees nothing', () => {
    const sessions = new McpSessions({ idleMs: 1000, max: 10, maxPerCaller: 5 });
    sessions.add('s1', session(caller('k1')));
    expect(sessions.get('s1', caller('k1'))).toBeDefined();
    expect(sessions.get('s1', caller('k2'))).toBeUndefined();
    expect(sessions.get('s1', caller('k1', 'oauth_token'))).toBeUndefined();
    expect(sessions.get('nope', caller('k1'))).toBeUndefined();
  });

  it('are capped in all and per credential', () => {
    const sessions = new McpSessions({ idleMs: 1000, max: 3, maxPerCaller: 2 });
    sessions.add('a', session(caller('k1')));
    sessions.add('b', session(caller('k1')));
    expect(sessions.hasRoom(caller('k1'))).toBe(false);
    expect(sessions.hasRoom(caller('k2'))).toBe(true);
    sessions.add('c', session(caller('k2')));
    expect(sessions.hasRoom(caller('k3'))).toBe(false);
  });

  it('close when idle, and a request keeps one alive', async () => {
    const sessions = new McpSessions({ idleMs: 1000, max: 10, maxPerCaller: 10 });
    const now = Date.now();
    sessions.add('old', session(caller('k1'), now - 5000));
    sessions.add('fresh', session(caller('k1'), now - 5000));
    sessions.get('fresh', caller('k1'));
    await sessions.closeIdle(now);
    expect(sessions.size).toBe(1);
    expect(sessions.get('fresh', caller('k1'))).toBeDefined();
  });
});

describe('token buckets', () => {
  it('allow a minute’s worth at once, then refill continuously; keys are independent', () => {
    const buckets = new TokenBuckets(60);
    const t = 1_000_000;
    for (let i = 0; i < 60; i++) expect(buckets.take('a', 1, t).ok).toBe(true);
    const refused = buckets.take('a', 1, t);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(buckets.take('b', 1, t).ok).toBe(true);
    expect(buckets.take('a', 1, t + 1000).ok).toBe(true);
    expect(buckets.take('a', 1, t + 1000).ok).toBe(false);
    expect(buckets.take('a', 30, t + 1000)).toEqual({ ok: false, retryAfterSeconds: 30 });
  });
});

describe('Origin check', () => {
  const publicUrl = 'https://tributary.example.com';
  it.each([
    [undefined, true],
    ['https://tributary.example.com', true],
    ['https://app.example.com', true],
    ['http://tributary.example.com', false],
    ['https://tributary.example.com.evil.com', false],
    ['http://evil.example.com', false],
    ['null', false],
    ['not a url', false],
  ])('%s → %s', (origin, allowed) => {
    expect(isAllowedOrigin(origin, publicUrl, ['https://app.example.com'])).toBe(allowed);
  });
});

describe('MCP transport settings', () => {
  it('read defaults, lists and flags, and refuse typos with the variable named', () => {
    expect(readMcpTransportConfig({})).toEqual({ allowedOrigins: [], requestsPerMinute: 600, conformanceFixtures: false });
    expect(readMcpTransportConfig({ TRIBUTARY_MCP_ALLOWED_ORIGINS: 'https://a.example, http://localhost:5173/', TRIBUTARY_MCP_RATE_LIMIT: '30', TRIBUTARY_MCP_CONFORMANCE: '1' })).toEqual({
      allowedOrigins: ['https://a.example', 'http://localhost:5173'],
      requestsPerMinute: 30,
      conformanceFixtures: true,
    });
    expect(() => readMcpTransportConfig({ TRIBUTARY_MCP_ALLOWED_ORIGINS: 'https://a.example/path' })).toThrow(/TRIBUTARY_MCP_ALLOWED_ORIGINS/);
    expect(() => readMcpTransportConfig({ TRIBUTARY_MCP_ALLOWED_ORIGINS: 'a.example' })).toThrow(/TRIBUTARY_MCP_ALLOWED_ORIGINS/);
    expect(() => readMcpTransportConfig({ TRIBUTARY_MCP_RATE_LIMIT: '0' })).toThrow(/TRIBUTARY_MCP_RATE_LIMIT/);
    expect(() => readMcpTransportConfig({ TRIBUTARY_MCP_CONFORMANCE: 'yes' })).toThrow(/TRIBUTARY_MCP_CONFORMANCE/);
  });
});
