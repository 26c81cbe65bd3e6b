import type { LenientState } from './lenient-state.js';

/**
 * A pass over several parts (repositories, calendars, channels, folders) that a crash can stop half way: the
 * parts still to read, in order, and whether the pass is a full read. Saved in the state as
 * `pass: { full, pending: [...] }` after every page, so a resumed run carries on at the part it was reading and
 * does not read again the parts it finished. The one resumable pass the connectors share.
 *
 * @example
 * ```ts
 * const pass = resumePass(lenientState(ctx.state), configList(ctx.config, 'calendars'), ctx.mode === 'full_refresh');
 * for (const id of [...pass.pending]) {
 *   // … read the part, checkpointing { calendars, pass: passState(pass) } after each page
 *   pass.pending.shift();
 * }
 * ```
 */
export interface ResumablePass {
  full: boolean;
  /** The parts still to read; the first is the one being read. */
  pending: string[];
  /** Whether this pass was carried on from a saved one. */
  resumed: boolean;
}

/**
 * The saved pass, kept to the parts that still exist, when there is one to carry on (a full read carries on only a
 * full pass); otherwise a new pass over every part.
 *
 * @example
 * ```ts
 * resumePass(lenientState({ pass: { full: false, pending: ['b', 'gone'] } }), ['a', 'b'], false); // { full: false, pending: ['b'], resumed: true }
 * ```
 */
export function resumePass(state: LenientState, parts: string[], full: boolean): ResumablePass {
  const saved = state.object('pass');
  if (saved !== null) {
    const savedFull = saved.flag('full') ?? false;
    if (!full || savedFull) {
      const exists = new Set(parts);
      return { full: savedFull, pending: saved.texts('pending').filter((part) => exists.has(part)), resumed: true };
    }
  }
  return { full, pending: [...parts], resumed: false };
}

/**
 * The pass as it is saved in a checkpoint.
 *
 * @example
 * ```ts
 * yield { type: 'state', state: { calendars, pass: passState(pass) } };
 * ```
 */
export function passState(pass: ResumablePass): { full: boolean; pending: string[] } {
  return { full: pass.full, pending: [...pass.pending] };
}
