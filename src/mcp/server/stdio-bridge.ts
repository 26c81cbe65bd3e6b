import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { readOnlyHeader } from './read-only-header.js';
import { isJSONRPCRequest, isJSONRPCResultResponse, isInitializeRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';


/**
 * stdio ↔ a running Tributary's /mcp: each JSON-RPC message is passed on as it is, in both directions, so the
 * desktop client negotiates with the server itself (revision, capabilities, session). The only thing read on the
 * way is initialize's answer, whose protocol version later requests must carry as a header. Diagnostics go to
 * stderr; stdout carries only protocol messages.
 */
export async function bridgeStdioToHttp(options: { url: string; key: string; readOnly: boolean; stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream }): Promise<void> {
  const endpoint = new URL(`${options.url.replace(/\/+$/, '')}/mcp`);
  const headers: Record<string, string> = { authorization: `Bearer ${options.key}`, ...(options.readOnly ? { [readOnlyHeader]: 'true' } : {}) };
  const http = new StreamableHTTPClientTransport(endpoint, { requestInit: { headers } });
  const stdin = (options.stdin ?? process.stdin) as NodeJS.ReadStream;
  const stdio = new StdioServerTransport(stdin, (options.stdout ?? process.stdout) as NodeJS.WriteStream);
  const initializeIds = new Set<string | number>();
  let closing = false;

  const close = async (code: number) => {
    if (closing) return;
    closing = true;
    await http.terminateSession().catch(() => undefined);
    await http.close().catch(() => undefined);
    await stdio.close().catch(() => undefined);
    process.exitCode = code;
  };

  stdio.onmessage = (message: JSONRPCMessage) => {
    if (isInitializeRequest(message)) initializeIds.add((message as { id: string | number }).id);
    http.send(message).catch((error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      process.stderr.write(`tributary mcp: ${endpoint.href}: ${text}\n`);
      // The client waits for an answer to each request: give it the failure rather than silence.
      if (isJSONRPCRequest(message)) void stdio.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `Tributary at ${endpoint.origin}: ${text}` } });
    });
  };
  http.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCResultResponse(message) && initializeIds.delete(message.id)) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') http.setProtocolVersion(version);
    }
    void stdio.send(message);
  };
  http.onerror = (error) => process.stderr.write(`tributary mcp: ${error.message}\n`);
  stdio.onerror = (error) => process.stderr.write(`tributary mcp: stdin: ${error.message}\n`);
  await http.start();
  await stdio.start();
  // The client closing stdin is the end of the session.
  await new Promise<void>((resolve) => {
    stdin.once('end', () => void close(0).then(resolve));
    stdin.once('close', () => void close(0).then(resolve));
  });
}
