/** How the MCP transports behave; read once from the environment (docs/configuration.md). */
export interface McpTransportConfig {
  /** Origins besides the public URL's that browsers may call /mcp from (TRIBUTARY_MCP_ALLOWED_ORIGINS). */
  allowedOrigins: string[];
  /** Requests per minute per credential, as a token bucket of that size (TRIBUTARY_MCP_RATE_LIMIT, default 600). */
  requestsPerMinute: number;
  /** The conformance suite's fixture tools, resources and prompts (TRIBUTARY_MCP_CONFORMANCE=1). Testing only. */
  conformanceFixtures: boolean;
  /** The rate limit's clock (epoch ms); tests hold it still instead of racing the refill. Default: the wall clock. */
  now?: () => number;
}

export const defaultMcpTransportConfig: McpTransportConfig = { allowedOrigins: [], requestsPerMinute: 600, conformanceFixtures: false };

/** An origin as browsers send it: scheme, host and port, nothing else; refuses anything else so typos fail at start. */
function parseOrigin(entry: string): string {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new Error(`TRIBUTARY_MCP_ALLOWED_ORIGINS: "${entry}" is not an origin such as https://app.example.com.`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== entry.replace(/\/+$/, '')) {
    throw new Error(`TRIBUTARY_MCP_ALLOWED_ORIGINS: "${entry}" must be just scheme://host[:port], such as https://app.example.com.`);
  }
  return url.origin;
}

export function readMcpTransportConfig(env: NodeJS.ProcessEnv): McpTransportConfig {
  const rawLimit = env['TRIBUTARY_MCP_RATE_LIMIT'];
  const requestsPerMinute = rawLimit === undefined || rawLimit === '' ? defaultMcpTransportConfig.requestsPerMinute : Number(rawLimit);
  if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 1) {
    throw new Error(`TRIBUTARY_MCP_RATE_LIMIT must be a positive whole number of requests per minute, got "${rawLimit}".`);
  }
  const flag = (env['TRIBUTARY_MCP_CONFORMANCE'] ?? '').trim().toLowerCase();
  if (!['', '0', '1', 'true', 'false'].includes(flag)) throw new Error(`TRIBUTARY_MCP_CONFORMANCE must be 1 or 0, got "${flag}".`);
  return {
    allowedOrigins: (env['TRIBUTARY_MCP_ALLOWED_ORIGINS'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(parseOrigin),
    requestsPerMinute,
    conformanceFixtures: flag === '1' || flag === 'true',
  };
}
