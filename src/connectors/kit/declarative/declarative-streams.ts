import type { ZodError } from 'zod';
import type { StreamReader } from '../../../contracts/connector-kit.js';
import type { ManifestInput } from '../../../contracts/manifest.js';
import { withErrorRules } from './error-rules.js';
import { unknownPlaceholders } from './fill-template.js';
import { lenientState } from './lenient-state.js';
import { readPartitioned } from './partitions.js';
import { readPart } from './read-part.js';
import { StreamSpecSchema, type StreamSpec, type StreamSpecInput } from './stream-spec.js';

/**
 * A mistake in a stream description, found when the connector is loaded (at start), naming the connector, the
 * stream and the field — never a failure in the middle of a sync.
 *
 * @example
 * ```ts
 * // connector deel, stream contracts: paginator.param: Invalid input: expected string, received undefined
 * try { declarativeStreams(manifest, specs); } catch (error) { if (error instanceof StreamSpecError) console.error(error.stream, error.field); }
 * ```
 */
export class StreamSpecError extends Error {
  constructor(
    readonly connector: string,
    readonly stream: string,
    readonly field: string,
    problem: string,
  ) {
    super(`connector ${connector}, stream ${stream}: ${field === '' ? '' : `${field}: `}${problem}`);
    this.name = 'StreamSpecError';
  }
}

function firstIssue(error: ZodError): { field: string; problem: string } {
  const issue = error.issues[0]!;
  return { field: issue.path.map(String).join('.'), problem: issue.message };
}

/** What zod cannot see: how the parts of one description fit together, and with the manifest. */
function crossCheck(spec: StreamSpec, manifest: ManifestInput, name: string): { field: string; problem: string } | null {
  const stream = manifest.streams.find((candidate) => candidate.name === name)!;
  const modes = stream.sync_modes ?? ['full_refresh'];
  if (spec.incremental !== undefined && !modes.includes('incremental')) return { field: 'incremental', problem: 'the manifest does not list incremental among the sync modes' };
  if (spec.incremental === undefined && modes.includes('incremental')) return { field: 'incremental', problem: 'the manifest lists incremental, but the description says nothing of a cursor' };
  if (spec.paginator.type === 'keyset' && !(spec.incremental?.type === 'datetime' && spec.incremental.sorted && spec.incremental.send !== undefined)) {
    return { field: 'paginator', problem: 'keyset paging needs a sorted datetime cursor sent to the provider' };
  }
  if (spec.incremental?.type === 'token' && spec.incremental.as === 'param' && spec.incremental.param === undefined) return { field: 'incremental.param', problem: 'a token sent as a parameter needs the parameter name' };
  if (spec.partitions !== undefined && (spec.partitions.config === undefined) === (spec.partitions.parent === undefined)) {
    return { field: 'partitions', problem: 'partitions come from exactly one of config or parent' };
  }
  const partitioned = spec.partitions !== undefined;
  const templates = [spec.requester.path, ...Object.values(spec.requester.query).filter((v): v is string => typeof v === 'string'), ...Object.values(spec.requester.headers)];
  for (const template of templates) {
    const unknown = unknownPlaceholders(template);
    if (unknown.length > 0) return { field: 'requester', problem: `unknown placeholder {{${unknown[0]}}} (use config.<key>, partition.<key> or cursor)` };
    if (!partitioned && template.includes('partition.')) return { field: 'requester', problem: 'names {{partition.…}} but the stream has no partitions' };
  }
  for (const [index, rule] of spec.errors.entries()) {
    if (rule.status === undefined && rule.body === undefined) return { field: `errors.${index}`, problem: 'an error rule needs a status or a body condition' };
  }
  return null;
}

/**
 * A checked description turned into a stream reader. Hand-written readers and described ones mix freely in one
 * connector's `streams`; `declarativeStreams` is the usual way in, since it checks the description first.
 *
 * @example
 * ```ts
 * const reader = describedStream(StreamSpecSchema.parse({ requester: { path: '/users' }, records: { path: 'users' } }) as StreamSpec);
 * ```
 */
export function describedStream(spec: StreamSpec): StreamReader {
  return async function* (stored) {
    const ctx = stored.state !== null && spec.hooks.state ? { ...stored, state: spec.hooks.state(stored.state) } : stored;
    const http = withErrorRules(ctx.http, spec.errors, ctx.config);
    if (spec.partitions !== undefined) yield* readPartitioned(spec, ctx, http);
    else yield* readPart({ spec, ctx, http, state: lenientState(ctx.state), partition: null });
  };
}

/**
 * Stream readers from descriptions, each checked against the schema and the connector's manifest when the
 * connector module loads; a mistake throws a `StreamSpecError` naming the connector, the stream and the field.
 *
 * @example
 * ```ts
 * export const streams = {
 *   ...declarativeStreams(manifest, {
 *     contracts: {
 *       requester: { path: '/contracts', query: { limit: 99 } },
 *       records: { path: 'data' },
 *       paginator: { type: 'cursor', param: 'after_cursor', next: 'page.cursor', resume_key: 'after_cursor' },
 *     },
 *   }),
 *   people: readPeople, // hand-written
 * };
 * ```
 */
export function declarativeStreams(manifest: ManifestInput, specs: Record<string, StreamSpecInput>): Record<string, StreamReader> {
  const readers: Record<string, StreamReader> = {};
  for (const [name, input] of Object.entries(specs)) {
    if (!manifest.streams.some((stream) => stream.name === name)) throw new StreamSpecError(manifest.id, name, '', 'the manifest has no stream of that name');
    const parsed = StreamSpecSchema.safeParse(input);
    if (!parsed.success) {
      const { field, problem } = firstIssue(parsed.error);
      throw new StreamSpecError(manifest.id, name, field, problem);
    }
    const spec = parsed.data as StreamSpec;
    const mistake = crossCheck(spec, manifest, name);
    if (mistake) throw new StreamSpecError(manifest.id, name, mistake.field, mistake.problem);
    readers[name] = describedStream(spec);
  }
  return readers;
}
