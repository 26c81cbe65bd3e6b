import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../../contracts/api/common.js';
import { listEncryptionKeys } from '../../../services/keys/list-encryption-keys.js';
import { retireEncryptionKey } from '../../../services/keys/retire-encryption-key.js';
import { rotateEncryptionKeys } from '../../../services/keys/rotate-encryption-keys.js';
import type { AppDeps } from '../../app-deps.js';
import { authOf, requireInstallationOwner } from '../../auth.js';

/**
 * The vault's encryption keys (DESIGN §4: keys rotate without downtime). Owner only. The key ring belongs to the
 * installation, not to a workspace, so counts span every workspace; no response ever carries key material,
 * only key ids.
 */
const KeyCounts = z.record(z.string(), z.number().int());
const Source = z.enum(['file', 'env']).describe('file: the embedded key file, changed in place; env: TRIBUTARY_ENCRYPTION_KEYS, changed by the operator');

const KeyListSchema = z.object({
  source: Source,
  active_key: z.string(),
  keys: z.array(z.object({ id: z.string(), active: z.boolean(), ciphertexts: z.number().int() })),
  /** Key ids found in stored data but absent from this process's ring (another process's newer key, or a lost one). */
  unknown_keys: KeyCounts,
});

const RotateSchema = z.object({
  source: Source,
  active_key: z.string(),
  /** True when this call generated the active key (key file); false when it was already active (environment). */
  new_key: z.boolean(),
  reencrypted: z.number().int(),
  /** Rows rewritten by someone else meanwhile: their newer value was kept. */
  superseded: z.number().int(),
  /** Ciphertexts still under another key, by key id; `{}` when the rotation is complete. */
  remaining: KeyCounts,
  /** Ciphertexts that did not decrypt, by key id (left unchanged). */
  failed: KeyCounts,
  before: KeyCounts,
  after: KeyCounts,
});

const RetireSchema = z.object({
  source: Source,
  retired: z.string(),
  active_key: z.string(),
  /** file: the key ring now; env: the key ids TRIBUTARY_ENCRYPTION_KEYS must keep, in this order. */
  key_ids: z.array(z.string()),
  message: z.string(),
});

/** Smaller batches hold their row locks for less time, at the cost of more statements. */
const RotateBody = z.object({ batch_size: z.number().int().min(1).max(1000).optional() }).nullish();

const KeyInUseSchema = ErrorResponseSchema.extend({ remaining: KeyCounts });

export async function keyRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/keys',
    {
      preHandler: requireInstallationOwner(deps),
      schema: { tags: ['access'], summary: 'Encryption key ids, which is active, and how many stored secrets use each (never the keys)', response: { 200: KeyListSchema } },
    },
    async () => {
      const list = await listEncryptionKeys(deps);
      return { source: list.source, active_key: list.activeKey, keys: list.keys, unknown_keys: list.unknownKeys };
    },
  );

  app.post(
    '/keys/rotate',
    {
      preHandler: requireInstallationOwner(deps),
      schema: {
        tags: ['access'],
        summary: 'Key file: generate a new active key, then re-encrypt; environment: re-encrypt everything under the active (first) key',
        body: RotateBody,
        response: { 200: RotateSchema, 403: ErrorResponseSchema },
      },
    },
    async (request) => {
      const auth = authOf(request);
      const rotation = await rotateEncryptionKeys(deps, { workspaceId: auth.workspaceId, actorKeyId: auth.keyId, batchSize: request.body?.batch_size ?? 100 });
      request.log.info({ activeKey: rotation.activeKey, reencrypted: rotation.reencrypted, remaining: rotation.remaining }, 'encryption keys rotated');
      return {
        source: rotation.source,
        active_key: rotation.activeKey,
        new_key: rotation.newKey,
        reencrypted: rotation.reencrypted,
        superseded: rotation.superseded,
        remaining: rotation.remaining,
        failed: rotation.failed,
        before: rotation.before,
        after: rotation.after,
      };
    },
  );

  app.post(
    '/keys/:kid/retire',
    {
      preHandler: requireInstallationOwner(deps),
      schema: {
        tags: ['access'],
        summary: 'Retire a key nothing uses any more (409 with counts while something does); key file: removed from it; environment: the key ids to keep',
        params: z.object({ kid: z.string().min(1).max(64) }),
        response: { 200: RetireSchema, 404: ErrorResponseSchema, 409: KeyInUseSchema },
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const retirement = await retireEncryptionKey(deps, { workspaceId: auth.workspaceId, actorKeyId: auth.keyId, kid: request.params.kid });
      if (!retirement.retired) return reply.status(409).send({ error: { code: 'key_in_use', message: retirement.message }, remaining: retirement.remaining });
      return { source: retirement.source, retired: retirement.kid, active_key: retirement.activeKey, key_ids: retirement.keyIds, message: retirement.message };
    },
  );
}
