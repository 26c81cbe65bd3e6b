import type { Catalog } from '../../core/catalog.js';

export interface SandboxFlags {
  port: number;
  records: number;
  seed: number;
  /** The shared business world's seed (Stripe, QuickBooks and Gmail sandboxes draw clients from it). */
  world?: number | undefined;
  token?: string | undefined;
  host: string;
}

/** Starts a connector's provider simulator and keeps it running until interrupted. */
export async function sandboxCommand(catalog: Catalog, connectorId: string, flags: SandboxFlags): Promise<void> {
  const entry = catalog.get(connectorId);
  if (!entry.sandbox) throw new Error(`Connector "${connectorId}" has no sandbox.`);
  const handle = await entry.sandbox({ port: flags.port, host: flags.host, records: flags.records, seed: flags.seed, ...(flags.world === undefined ? {} : { world: flags.world }), ...(flags.token ? { token: flags.token } : {}) });
  const config = handle.connectConfig ?? { base_url: handle.url };
  const lines = [
    `${entry.manifest.name} sandbox listening on ${handle.url}`,
    `  records: ${flags.records}, seed: ${flags.seed}`,
    `  token:   ${handle.token}`,
  ];
  if (handle.oauth) {
    lines.push(
      `  oauth:   client_id ${handle.oauth.client_id}, client_secret ${handle.oauth.client_secret}`,
      `           authorize ${handle.oauth.authorization_url}`,
      `           token     ${handle.oauth.token_url}`,
    );
  }
  lines.push(
    `  config:  ${JSON.stringify(config)}`,
    `  connect: allow the sandbox with TRIBUTARY_ALLOW_PRIVATE_HOSTS=${new URL(handle.url).host}`,
    '',
  );
  process.stdout.write(lines.join('\n'));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await handle.close();
}
