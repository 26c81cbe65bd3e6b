import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../../contracts/api/common.js';
import { RoleSchema } from '../../../contracts/roles.js';
import { apiKeyView as view } from './api-key-views.js';
import { createApiKey } from '../../../services/keys/create-api-key.js';
import { listApiKeys } from '../../../services/keys/list-api-keys.js';
import { revokeApiKey } from '../../../services/keys/revoke-api-key.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireRole } from '../../auth.js';

const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: RoleSchema,
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  read_only: z.boolean().describe('A read-only key is refused (403 read_only_key) by every route that changes data; MCP hides mutating tools from it.'),
  products: z
    .array(z.string())
    .nullable()
    .describe('The products whose CRM rows and connections this key sees and writes (others are 404); null: every product, untagged rows included.'),
});

const ProductSchema = z.string().min(1).max(100);

const CreateApiKeyBodySchema = z
  .object({
    name: z.string().min(1).max(100),
    role: RoleSchema,
    read_only: z.boolean().optional().describe("Default: the creating key's own (a read-only key can only create read-only keys)."),
    products: z
      .array(ProductSchema)
      .min(1)
      .max(50)
      .nullable()
      .optional()
      .describe("Scope the key to these products; null: every product. Default: the creating key's own products. A key cannot create one broader than itself (403)."),
  })
  .strict();


export async function apiKeyRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api-keys',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['access'],
        summary: 'Create an API key; the key itself is in this response only (it is stored hashed)',
        body: CreateApiKeyBodySchema,
        response: { 201: ApiKeySchema.extend({ key: z.string() }), 400: ErrorResponseSchema, 403: ErrorResponseSchema },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const { row, apiKey } = await createApiKey(deps, {
        workspaceId: auth.workspaceId,
        actorKeyId: auth.keyId,
        actor: { role: auth.role, readOnly: auth.readOnly, products: auth.products },
        name: request.body.name,
        role: request.body.role,
        readOnly: request.body.read_only,
        products: request.body.products,
      });
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ ...view(row), key: apiKey });
    },
  );

  app.get(
    '/api-keys',
    { preHandler: requireRole('admin'), schema: { tags: ['access'], summary: "The workspace's API keys (never the keys themselves)", response: { 200: z.object({ data: z.array(ApiKeySchema) }) } } },
    async (request) => ({ data: (await listApiKeys(deps, { workspaceId: authOf(request).workspaceId })).map(view) }),
  );

  app.delete(
    '/api-keys/:id',
    {
      preHandler: requireRole('admin'),
      schema: { tags: ['access'], summary: 'Revoke an API key', params: z.object({ id: z.string() }), response: { 200: z.object({ id: z.string(), revoked: z.literal(true) }), 404: ErrorResponseSchema } },
    },
    async (request) => {
      const auth = authOf(request);
      await revokeApiKey(deps, { workspaceId: auth.workspaceId, actorKeyId: auth.keyId, keyId: request.params.id });
      return { id: request.params.id, revoked: true as const };
    },
  );
}
