import { z } from 'zod';

/**
 * What a stream accepts as a cursor set by hand (`PATCH /connections/:id/state { stream, cursor }`). Each
 * connector declares, per incremental stream, a zod schema of the state that request writes (`{ cursor }`); the
 * route refuses a cursor the stream's reader would not understand, instead of letting the next run silently start
 * over. The readers stay tolerant of what they find (an older version's state): these schemas guard the door.
 */
export type StreamStateSchema = z.ZodType<{ cursor: string }>;

const isoPattern = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

function isIsoDate(text: string): boolean {
  return isoPattern.test(text.trim()) && !Number.isNaN(Date.parse(text.trim()));
}

const isoExample = 'an ISO 8601 date or date-time, e.g. 2024-01-31 or 2024-01-31T12:00:00Z';

/**
 * The cursor kinds the shipped connectors understand, as zod string schemas; each refusal message says what was
 * expected. Pass one to `handSetState` for each incremental stream of `ConnectorDefinition.stateSchemas`.
 *
 * @example
 * ```ts
 * stateSchemas: {
 *   messages: handSetState(cursorKinds.slackTsOrIsoDate),
 *   threads: handSetState(cursorKinds.slackTsOrIsoDate),
 * },
 * ```
 */
export const cursorKinds = {
  isoDate: z.string().refine(isIsoDate, isoExample),
  /** Stripe: a Unix time in seconds (the `created` field) or a date. */
  unixSecondsOrIsoDate: z.string().refine((t) => /^\d{1,12}$/.test(t.trim()) || isIsoDate(t), `a Unix time in seconds (e.g. 1706659200) or ${isoExample}`),
  /** Gmail: a history id (digits) or a date to list messages after. */
  historyIdOrIsoDate: z.string().refine((t) => /^\d{1,20}$/.test(t.trim()) || isIsoDate(t), `a Gmail history id (digits, e.g. 184302) or ${isoExample}`),
  /** Slack: a message timestamp (`1706659200.000100`) or a date. */
  slackTsOrIsoDate: z.string().refine((t) => /^\d{1,12}(?:\.\d{1,6})?$/.test(t.trim()) || isIsoDate(t), `a Slack message ts (e.g. 1706659200.000100) or ${isoExample}`),
  /** Microsoft Graph: a saved delta link, or a date to keep only items modified since. */
  deltaLinkOrIsoDate: z.string().refine((t) => /^https:\/\/\S+$/i.test(t.trim()) || isIsoDate(t), `a Microsoft Graph delta link (https://…$deltatoken=…) or ${isoExample}`),
} as const;

/**
 * The state a hand-set cursor of this kind writes: `{ cursor }`, the cursor checked by the given schema. The
 * stream's reader must accept a state holding only `cursor` and start from there.
 *
 * @example
 * ```ts
 * export const github: ConnectorDefinition = {
 *   manifest,
 *   streams,
 *   stateSchemas: { issues: handSetState(cursorKinds.isoDate), pull_requests: handSetState(cursorKinds.isoDate) },
 * };
 * ```
 */
export function handSetState(cursor: z.ZodType<string>): StreamStateSchema {
  return z.object({ cursor });
}
