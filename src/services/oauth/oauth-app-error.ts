import { AppError } from '../../contracts/errors.js';
import { OAuthError } from './oauth-error.js';

/** An OAuth failure as the API answers it: our refusals keep their code, the provider's are oauth_failed or 502. */
export function oauthAppError(error: unknown): unknown {
  if (!(error instanceof OAuthError)) return error;
  if (error.code === 'host_not_allowed' || error.code === 'credential_host_not_allowed') return new AppError(error.code, error.message);
  if (error.kind === 'transient') return new AppError('provider_unavailable', error.message);
  return new AppError('oauth_failed', error.message);
}
