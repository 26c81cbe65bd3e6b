import { hasPastedSecret, validateConfig, validateFields } from '../../core/connection-input.js';
import { newId } from '../../core/ids.js';
import type { ServiceDeps } from '../service-deps.js';
import { probeCredentials, type ProbeResult } from './verify-probe.js';

/**
 * Credentials submitted for a connector, probed against the provider before anything is saved (one SSRF-guarded
 * request). Only what the connector takes as typed credentials is validated and sent: an OAuth connector's
 * fields only when they hold a pasted token. A provider refusing them is `ok: false`, not an error.
 */
export async function probeSubmittedCredentials(
  deps: Pick<ServiceDeps, 'catalog' | 'config' | 'providerTraffic'>,
  input: { connectorId: string; fields: Record<string, unknown>; config: Record<string, unknown> },
): Promise<ProbeResult> {
  const { manifest } = deps.catalog.get(input.connectorId);
  const pasted = manifest.auth_mode === 'oauth2' && hasPastedSecret(manifest, input.fields);
  const fields = manifest.auth_mode === 'api_key' || manifest.auth_mode === 'conn_string' || pasted ? validateFields(manifest, input.fields) : {};
  const config = validateConfig(manifest, input.config);
  return probeCredentials({ connectionId: `probe_${newId('p')}`, traffic: deps.providerTraffic, manifest, config, secrets: { fields }, allowPrivateHosts: deps.config.allowPrivateHosts, allowedHosts: deps.config.allowedHosts });
}
