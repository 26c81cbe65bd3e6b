import { AppError } from '../../contracts/errors.js';
import type { Manifest } from '../../contracts/manifest.js';
import type { ConnectionSecrets } from '../credentials/connection-secrets.js';
import { probeCredentials } from '../credentials/verify-probe.js';
import type { ServiceDeps } from '../service-deps.js';

export interface InstallVerdict {
  status: 'connected' | 'pending';
  /** The probe's outcome, stored on the new connection as its first check. */
  check: { lastCheckAt?: Date; lastCheckOk?: boolean; lastCheckMessage?: string };
  message?: string;
}

/**
 * Install-time verification: the manifest's probe runs with the submitted credentials before anything is saved,
 * so `201 connected` means the provider accepted them. A refusal is `credentials_rejected` (422) carrying the
 * provider's reason (scrubbed and bounded by the probe); a provider out of reach is `provider_unavailable` (502).
 * `verify: false` saves unverified, as `pending`. A connector without a probe has nothing to verify with: it is
 * saved `connected`, as before, and its first sync tests the credentials.
 */
export async function verifyBeforeSaving(
  deps: Pick<ServiceDeps, 'config' | 'providerTraffic'>,
  input: { id: string; manifest: Manifest; config: Record<string, unknown>; secrets: ConnectionSecrets; verify: boolean },
): Promise<InstallVerdict> {
  const { manifest } = input;
  if (!manifest.verify || manifest.auth_mode === 'none') return { status: 'connected', check: {} };
  if (!input.verify) {
    return { status: 'pending', check: {}, message: 'Saved unverified: the connection stays pending until POST /api/v1/connections/:id/check or a sync succeeds.' };
  }
  const result = await probeCredentials({ connectionId: input.id, traffic: deps.providerTraffic, manifest, config: input.config, secrets: input.secrets, allowPrivateHosts: deps.config.allowPrivateHosts, allowedHosts: deps.config.allowedHosts });
  if (!result.ok) {
    const unverified = 'Nothing was saved; to save the connection anyway, unverified (pending until a check passes), send "verify": false.';
    if (result.failure === 'unreachable') {
      throw new AppError('provider_unavailable', `${manifest.name} could not be reached to verify the credentials: ${result.message} ${unverified}`);
    }
    throw new AppError('credentials_rejected', `${manifest.name} refused the credentials: ${result.message} ${unverified}`);
  }
  if (!result.probed) return { status: 'connected', check: {} };
  return { status: 'connected', check: { lastCheckAt: new Date(), lastCheckOk: true, lastCheckMessage: '' } };
}
