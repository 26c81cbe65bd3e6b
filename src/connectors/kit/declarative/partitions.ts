import type { HttpClient } from '../../../http-client/index.js';
import type { StreamContext, StreamMessage } from '../../../contracts/connector-kit.js';
import { configList } from './config-list.js';
import { fillRequester } from './fill-template.js';
import { valueAt } from './json-path.js';
import { lenientState, type LenientState } from './lenient-state.js';
import { readPart } from './read-part.js';
import { passState, resumePass } from './resumable-pass.js';
import type { StreamSpec } from './stream-spec.js';
import { walkPages } from './walk-pages.js';

/**
 * Parent → child streams: the stream is read once per partition (a repository, a calendar, a channel), each with
 * its own state, inside one resumable pass:
 * ```
 * { <state_key>: { "<partition id>": <that part's state> }, pass?: { full, pending: [ids] } }
 * ```
 * A hand-set `{ cursor }` applies to every partition without a state of its own. Partitions no longer listed are
 * dropped from the state. A partition whose provider position expired is read again whole, but without the
 * stream-wide restart marker (the engine would remove the other partitions' rows): its deletions wait for the next
 * full refresh.
 */

async function partitionIds(spec: StreamSpec, ctx: StreamContext, http: HttpClient): Promise<string[]> {
  const partitions = spec.partitions!;
  if (partitions.config !== undefined) {
    const configured = configList(ctx.config, partitions.config);
    if (configured.length > 0 || partitions.parent === undefined) return configured;
  }
  const parent = partitions.parent!;
  const values = { config: ctx.config };
  const request = fillRequester(parent.requester, values);
  const ids: string[] = [];
  for await (const page of walkPages({ http, ctx, paginator: parent.paginator, records: parent.records, hooks: {}, request, resume: null })) {
    for (const item of page.items) {
      const id = valueAt(item, parent.id);
      if ((typeof id === 'string' && id !== '') || typeof id === 'number') ids.push(String(id));
    }
  }
  return [...new Set(ids)];
}

export async function* readPartitioned(spec: StreamSpec, ctx: StreamContext, http: HttpClient): AsyncGenerator<StreamMessage> {
  const key = spec.partitions!.state_key;
  const state = lenientState(ctx.state);
  const listed = await partitionIds(spec, ctx, http);
  const ids = spec.hooks.partitions ? [...new Set(spec.hooks.partitions(listed, ctx))] : listed;
  const pass = resumePass(state, ids, ctx.mode === 'full_refresh');
  const saved = state.entries(key);
  const kept = new Set(ids);
  const parts: Record<string, unknown> = {};
  for (const [id, entry] of saved) {
    if (!kept.has(id)) continue;
    // A new full pass reads every partition from nothing; a resumed one keeps what it has done and where it is.
    if (pass.full && !pass.resumed) continue;
    if (pass.full && pass.pending.includes(id) && id !== pass.pending[0]) continue;
    parts[id] = entry.raw;
  }
  const hand = state.raw['cursor'];
  const handState: LenientState | null = !pass.full && (typeof hand === 'string' || typeof hand === 'number') ? lenientState({ cursor: hand }) : null;

  while (pass.pending.length > 0) {
    const id = pass.pending[0]!;
    const own = parts[id] === undefined ? (handState ?? lenientState(null)) : lenientState(parts[id] as Record<string, unknown>);
    for await (const message of readPart({ spec, ctx, http, state: own, partition: { id } })) {
      if (message.type === 'state') {
        parts[id] = message.state;
        yield { type: 'state', state: { [key]: { ...parts }, pass: passState(pass) } };
      } else if (message.type === 'restart') {
        ctx.log('warn', `partition ${id}: the provider forgot its position; reading it again whole (its deletions wait for the next full refresh)`);
      } else yield message;
    }
    pass.pending.shift();
  }
  yield { type: 'state', state: { [key]: { ...parts } } };
}
