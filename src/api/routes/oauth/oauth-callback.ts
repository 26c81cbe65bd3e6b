import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CallbackQuerySchema } from '../../../contracts/api/oauth.js';
import { AppError } from '../../../contracts/errors.js';
import type { AppDeps } from '../../app-deps.js';
import { completeAuthorization, recordProviderDenial } from '../../../services/oauth/complete-authorization.js';
import { consumeState } from '../../../services/oauth/consume-state.js';
import { callbackHeaders, resultPage } from './result-page.js';

/**
 * GET /oauth/callback, where providers send the browser back. Public: no API key travels through a provider
 * redirect, so the signed, single-use, workspace- and connection-bound state is the credential. A state we
 * cannot trust is a 400 and nothing else; with a good one, the browser goes to the return URL recorded when
 * the flow started (`status=success` or `status=error&error=…`) or gets a small page.
 */
export async function oauthCallbackRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/oauth/callback',
    {
      schema: {
        tags: ['oauth'],
        summary: 'OAuth redirect target: validates the state, exchanges the code, then redirects to the return URL',
        security: [],
        querystring: CallbackQuerySchema,
      },
    },
    async (request, reply) => {
      const query = request.query;
      reply.headers(callbackHeaders);
      if (!query.state) throw new AppError('invalid_state', 'The callback has no state: start the authorization from Tributary.');
      const consumed = await consumeState(deps.db, deps.vault, query.state);
      const returnUrl = consumed.row.returnUrl;
      const finish = (ok: boolean, connectionId: string, error?: string, detail?: string) => {
        if (returnUrl) {
          const target = new URL(returnUrl);
          target.searchParams.set('status', ok ? 'success' : 'error');
          target.searchParams.set('connection_id', connectionId);
          if (error) target.searchParams.set('error', error);
          return reply.redirect(target.href, 302);
        }
        return reply.status(ok ? 200 : 400).type('text/html; charset=utf-8').send(resultPage(ok, detail ?? ''));
      };

      if (query.error || !query.code) {
        const error = query.error ?? 'invalid_request';
        const connection = await recordProviderDenial(deps, consumed, error, query.error ? query.error_description : 'the provider sent no code');
        return finish(false, connection.id, error, connection.lastSyncError ?? `The provider refused the authorization: ${error}.`);
      }
      const params = new URLSearchParams(Object.entries(query).filter(([key, value]) => key !== 'state' && typeof value === 'string') as [string, string][]);
      try {
        const connection = await completeAuthorization(deps, consumed, { callback: params, pasted: false, actorKeyId: null });
        return finish(true, connection.id);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        request.log.warn({ connectionId: consumed.row.connectionId, code: error.code }, 'OAuth callback failed');
        return finish(false, consumed.row.connectionId, error.code, error.message);
      }
    },
  );
}
