import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CallbackQuerySchema } from '../../../contracts/api/oauth.js';
import { finishOAuthCallback } from '../../../services/oauth/finish-oauth-callback.js';
import type { AppDeps } from '../../app-deps.js';
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
      reply.headers(callbackHeaders);
      const outcome = await finishOAuthCallback(deps, { query: request.query });
      if (!outcome.ok && outcome.exchangeFailed) request.log.warn({ connectionId: outcome.connectionId, code: outcome.exchangeFailed }, 'OAuth callback failed');
      if (outcome.returnUrl) {
        const target = new URL(outcome.returnUrl);
        target.searchParams.set('status', outcome.ok ? 'success' : 'error');
        target.searchParams.set('connection_id', outcome.connectionId);
        if (!outcome.ok && outcome.error) target.searchParams.set('error', outcome.error);
        return reply.redirect(target.href, 302);
      }
      return reply.status(outcome.ok ? 200 : 400).type('text/html; charset=utf-8').send(resultPage(outcome.ok, outcome.ok ? '' : outcome.detail));
    },
  );
}
