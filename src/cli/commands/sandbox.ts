import type { Catalog } from '../../core/catalog.js';

export interface SandboxFlags {
  port: number;
  records: number;
  seed: number;
  token?: string | undefined;
  host: string;
}

/** Starts a connector's provider simulator and keeps it running until interrupted. */
export async function sandboxCommand(catalog: Catalog, connectorId: string, flags: SandboxFlags): Promise<void> {
  const entry = catalog.get(connectorId);
  if (!entry.sandbox) throw new Error(`Connector "${connectorId}" has no sandbox.`);
  const handle = await entry.sandbox({ port: flags.port, host: flags.host, records: flags.records, seed: flags.seed, ...(flags.token ? { token: flags.token } : {}) });
  process.stdout.write(
    [
      `${entry.manifest.name} sandbox listening on ${handle.url}`,
      `  records: ${flags.records}, seed: ${flags.seed}`,
      `  token:   ${handle.token}`,
      `  connect: set config.base_url to ${handle.url} and allow it with TRIBUTARY_ALLOW_PRIVATE_HOSTS=${new URL(handle.url).host}`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await handle.close();
}
