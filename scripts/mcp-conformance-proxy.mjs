// For scripts/mcp-conformance.sh only: the conformance suite's client sends no credential, and Tributary's /mcp
// never serves without one, so this loopback proxy adds `Authorization: Bearer $MCP_CONFORMANCE_KEY` to every
// request and passes everything else through untouched (Host and Origin included, for the DNS-rebinding scenario;
// responses streamed, for SSE). It listens on 127.0.0.1 only.
import http from 'node:http';

const [listenPort, target] = process.argv.slice(2);
const key = process.env.MCP_CONFORMANCE_KEY;
if (!listenPort || !target || !key) {
  process.stderr.write('usage: MCP_CONFORMANCE_KEY=… node mcp-conformance-proxy.mjs <listen port> <target base URL>\n');
  process.exit(2);
}
const upstream = new URL(target);

const server = http.createServer((req, res) => {
  const forward = http.request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, authorization: `Bearer ${key}` } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`proxy: ${error.message}`);
  });
  res.on('close', () => forward.destroy());
  req.pipe(forward);
});
server.listen(Number(listenPort), '127.0.0.1', () => process.stdout.write(`conformance proxy on 127.0.0.1:${listenPort} → ${target}\n`));
