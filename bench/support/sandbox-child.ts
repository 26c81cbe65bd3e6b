/**
 * The GitHub sandbox in its own process for the benchmark: `--records N --seed S --token T`. Prints one JSON line
 * `{ "url": … }` once it listens, and runs until SIGTERM. Unlike `tributary sandbox github`, it lifts the
 * sandbox's hourly request budget (a 1,000,000-record sync makes 12,500 requests; GitHub's 5,000 an hour would
 * make the client wait for the window to reset, which is right for the product and useless for a benchmark).
 */
import { parseArgs } from 'node:util';
import { createGithubSandbox } from '../../src/connectors/github/sandbox/index.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    token: { type: 'string', default: 'ghp_bench_token_000000000000000000000000' },
    port: { type: 'string', default: '0' },
  },
});

const sandbox = await createGithubSandbox({
  port: Number(values.port),
  records: Number(values.records),
  seed: Number(values.seed),
  token: values.token,
  rateLimit: 1_000_000_000,
});
process.stdout.write(`${JSON.stringify({ url: sandbox.url, token: sandbox.token, info: sandbox.info().counts })}\n`);
const stop = () => {
  void sandbox.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
