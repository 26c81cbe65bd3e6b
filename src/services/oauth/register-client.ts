import * as oauth from 'oauth4webapi';
import type { ClientAuthMethod, OAuthClientSecrets } from '../credentials/connection-secrets.js';
import type { ProviderTraffic } from '../credentials/provider-traffic.js';
import { oauthFetchOptions } from './oauth-fetch-options.js';
import { OAuthError, toOAuthError } from './oauth-error.js';

/**
 * RFC 7591 dynamic client registration: one client per connection, redirecting to our callback. We are a
 * server, so we register a confidential client when the server allows it (its secret stays in the vault);
 * a server that only takes public clients gets `none`, and PKCE protects the code.
 */
export async function registerClient(traffic: ProviderTraffic, metadata: oauth.AuthorizationServer, redirectUri: string, allowPrivateHosts: string[]): Promise<OAuthClientSecrets> {
  if (!metadata.registration_endpoint) {
    throw new OAuthError('config', 'registration_unsupported', `Client registration: ${metadata.issuer} does not offer dynamic client registration.`);
  }
  const method = preferredAuthMethod(metadata.token_endpoint_auth_methods_supported);
  let registered: Awaited<ReturnType<typeof oauth.processDynamicClientRegistrationResponse>> | undefined;
  try {
    const response = await oauth.dynamicClientRegistrationRequest(
      metadata,
      {
        client_name: 'Tributary',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: method,
      },
      oauthFetchOptions(traffic, allowPrivateHosts),
    );
    registered = await oauth.processDynamicClientRegistrationResponse(response);
  } catch (error) {
    throw toOAuthError(error, 'Client registration', []);
  }
  const secret = typeof registered.client_secret === 'string' ? registered.client_secret : undefined;
  const granted = (registered.token_endpoint_auth_method as ClientAuthMethod | undefined) ?? method;
  return { source: 'dcr', client_id: registered.client_id, ...(secret ? { client_secret: secret } : {}), token_endpoint_auth_method: secret ? granted : 'none' };
}

/** RFC 8414: an absent list means client_secret_basic only. */
function preferredAuthMethod(supported: string[] | undefined): ClientAuthMethod {
  const offered = supported ?? ['client_secret_basic'];
  for (const method of ['client_secret_basic', 'client_secret_post', 'none'] as const) if (offered.includes(method)) return method;
  return 'none';
}
