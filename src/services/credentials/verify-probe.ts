import { AppError } from '../../contracts/errors.js';
import { hasPastedSecret } from '../../core/connection-input.js';
import type { Manifest } from '../../contracts/manifest.js';
import { boundedSnippet, isHttpError, resolveTemplate, templateConfig } from '../../http-client/index.js';
import { findBlockedConnString } from './conn-string-guard.js';
import { connectionHttp, secretValues, type ConnectionHttpOptions } from './connection-http.js';
import { describeError } from '../runs/run-errors.js';

export interface ProbeResult {
  ok: boolean;
  message: string;
  /** Why it is not ok: the provider refused the credentials, or could not be reached (network, timeout, 5xx). */
  failure?: 'rejected' | 'unreachable';
  /** False when nothing was sent: no probe in the manifest, or nothing to probe yet. */
  probed: boolean;
}

/**
 * Turns the manifest's verify block into one request to the provider with the submitted credentials.
 * A provider refusing them is `{ ok: false }` with a bounded snippet of its answer — user-correctable, not an
 * error of ours; only our own refusals (a host the SSRF guard blocks) are thrown.
 */
export async function probeCredentials(
  input: Pick<ConnectionHttpOptions, 'connectionId' | 'traffic' | 'manifest' | 'config' | 'secrets' | 'allowPrivateHosts' | 'allowedHosts' | 'timeoutMs'>,
): Promise<ProbeResult> {
  const { manifest } = input;
  // Before any early answer: a connection string's host is judged even when there is no request to make.
  const blocked = findBlockedConnString(manifest, input.config, input.secrets, input.traffic.guardFor(input.allowPrivateHosts));
  if (blocked) throw new AppError('host_not_allowed', blocked.error.message, { field: blocked.field });
  // An OAuth connection has something to probe once it holds a token, authorized or pasted.
  const hasToken = input.secrets.oauth !== undefined || hasPastedSecret(manifest, input.secrets.fields);
  if (((manifest.auth_mode === 'oauth2' || manifest.auth_mode === 'mcp_oauth') && !hasToken) || manifest.auth_mode === 'none') {
    return { ok: true, probed: false, message: manifest.auth_mode === 'none' ? 'No credentials needed.' : 'Credentials are obtained by the authorization redirect; nothing to probe yet.' };
  }
  if (!manifest.verify) return { ok: true, probed: false, message: 'This connector has no verify probe; the first sync will test the credentials.' };
  const http = connectionHttp({ ...input, onRetry: undefined });
  const secrets = secretValues(manifest, input.secrets);
  let path: string;
  try {
    // Paths may name config values (QuickBooks: the company's realm id); never credentials, which would end up in logs.
    path = resolveTemplate(manifest.verify.path, { config: templateConfig(input.config) }, { encode: encodeURIComponent });
  } catch (error) {
    return { ok: false, probed: false, failure: 'rejected', message: (error as Error).message };
  }
  try {
    const response = await http.request({
      method: manifest.verify.method,
      url: path,
      headers: manifest.verify.headers,
      retry: false,
      timeoutMs: input.timeoutMs ?? 15_000,
      acceptStatus: manifest.verify.success_status,
    });
    if (manifest.verify.success_status.includes(response.status)) {
      const expected = manifest.verify.success_body;
      if (!expected) return { ok: true, probed: true, message: '' };
      const actual = fieldAt(response.body, expected.path);
      if (actual === expected.equals) return { ok: true, probed: true, message: '' };
      const said = expected.message_path ? fieldAt(response.body, expected.message_path) : undefined;
      const message = typeof said === 'string' ? said : `The provider answered ${response.status} without ${expected.path} = ${JSON.stringify(expected.equals)}.`;
      return { ok: false, probed: true, failure: 'rejected', message: boundedSnippet(message, secrets, 300) };
    }
    return { ok: false, probed: true, failure: 'rejected', message: `The provider answered ${response.status}.` };
  } catch (error) {
    if (isHttpError(error) && (error.code === 'host_not_allowed' || error.code === 'credential_host_not_allowed')) {
      throw new AppError(error.code, describeError(error, secrets, 300), { field: 'config.base_url' });
    }
    // Retryable failures (network, timeout, 5xx, 429) say nothing about the credentials; the rest is a refusal.
    const unreachable = !isHttpError(error) || error.kind === 'transient';
    return { ok: false, probed: true, failure: unreachable ? 'unreachable' : 'rejected', message: describeError(error, secrets, 300) };
  }
}

/** A dotted path into a parsed JSON body. */
function fieldAt(body: unknown, path: string): unknown {
  let current: unknown = typeof body === 'string' ? safeJson(body) : body;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
