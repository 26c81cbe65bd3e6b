import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../../contracts/api/common.js';
import { AppError } from '../../../contracts/errors.js';
import { countsOutside } from '../../../core/reencrypt.js';
import { insertAuditLog } from '../../../db/queries/audit-log.js';
import { countAllByKey, reencryptVault } from '../../../jobs/reencrypt-vault.js';
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
  const { db, vault, keys } = deps;
  const ring = keys.keyring;

  app.get(
    '/keys',
    {
      preHandler: requireInstallationOwner(deps),
      schema: { tags: ['access'], summary: 'Encryption key ids, which is active, and how many stored secrets use each (never the keys)', response: { 200: KeyListSchema } },
    },
    async () => {
      const counts = await countAllByKey(db);
      const known = new Set(ring.keys.map((k) => k.id));
      return {
        source: keys.source,
        active_key: ring.active.id,
        keys: ring.keys.map((k) => ({ id: k.id, active: k.id === ring.active.id, ciphertexts: counts[k.id] ?? 0 })),
        unknown_keys: Object.fromEntries(Object.entries(counts).filter(([id]) => !known.has(id))),
      };
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
      return keys.exclusive(async () => {
        const newKey = keys.source === 'file' ? await keys.addActiveKey() : undefined;
        const report = await reencryptVault(db, vault, { batchSize: request.body?.batch_size ?? 100 });
        request.log.info({ activeKey: report.activeKey, reencrypted: report.reencrypted, remaining: report.remaining }, 'encryption keys rotated');
        await insertAuditLog(db, {
          workspaceId: auth.workspaceId,
          actorKeyId: auth.keyId,
          action: 'encryption_key.rotate',
          targetType: 'encryption_key',
          targetId: report.activeKey,
          data: { new_key: newKey !== undefined, reencrypted: report.reencrypted, remaining: report.remaining },
        });
        return {
          source: keys.source,
          active_key: report.activeKey,
          new_key: newKey !== undefined,
          reencrypted: report.reencrypted,
          superseded: report.superseded,
          remaining: report.remaining,
          failed: report.failed,
          before: report.before,
          after: report.after,
        };
      });
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
      const { kid } = request.params;
      return keys.exclusive(async () => {
        const counts = await countAllByKey(db);
        const using = counts[kid] ?? 0;
        if (!ring.find(kid) && using === 0) throw new AppError('not_found', `No encryption key "${kid}" in the key ring.`);
        if (kid === ring.active.id || using > 0) {
          const why = kid === ring.active.id ? `"${kid}" is the active key` : `${using} stored secret(s) still use "${kid}"`;
          return reply.status(409).send({
            error: { code: 'key_in_use', message: `Cannot retire encryption key "${kid}": ${why}. Run \`tributary keys rotate\` (POST /api/v1/keys/rotate) first.` },
            remaining: countsOutside(counts, ring.active.id),
          });
        }
        if (keys.source === 'file') await keys.removeKey(kid);
        const keep = ring.keys.map((k) => k.id).filter((id) => id !== kid);
        await insertAuditLog(db, { workspaceId: auth.workspaceId, actorKeyId: auth.keyId, action: 'encryption_key.retire', targetType: 'encryption_key', targetId: kid, data: { source: keys.source } });
        const message =
          keys.source === 'file'
            ? `Encryption key "${kid}" was removed from the key file and from the running key ring.`
            : `Nothing uses encryption key "${kid}" any more. Remove "${kid}" from TRIBUTARY_ENCRYPTION_KEYS in every process, keeping ${keep.map((id) => `"${id}"`).join(', ')} in this order, then restart them.`;
        return { source: keys.source, retired: kid, active_key: ring.active.id, key_ids: keep, message };
      });
    },
  );
}
