import type { StreamContext } from '../kit/index.js';
import { gmailGet, includeSpamTrash, isObject, mapBounded, type GmailObject } from './gmail-request.js';

/**
 * Message ids to records: `messages.get?format=metadata` for each, a few at a time. Gmail lists and history
 * give ids only, and the batch endpoint would not save quota (each call in a batch costs the same units).
 */

/** Requests in flight per page; the connection's rate limiter paces them further. */
export const getConcurrency = 8;

export const metadataHeaders = ['From', 'To', 'Subject', 'Date'];

export interface FetchedMessages {
  records: GmailObject[];
  /** Ids Gmail no longer has (404), or that moved to Spam/Trash while those are excluded: deletions. */
  gone: string[];
}

export async function fetchMessages(ctx: StreamContext, ids: string[]): Promise<FetchedMessages> {
  const withSpamTrash = includeSpamTrash(ctx.config);
  const fetched = await mapBounded(ids, getConcurrency, async (id) => {
    const response = await gmailGet(ctx, `/messages/${encodeURIComponent(id)}`, { format: 'metadata', metadataHeaders }, { accept: [404] });
    return response.status === 404 || !isObject(response.body) ? null : response.body;
  });
  const records: GmailObject[] = [];
  const gone: string[] = [];
  fetched.forEach((message, index) => {
    if (message === null || (!withSpamTrash && inSpamOrTrash(message))) gone.push(ids[index]!);
    else records.push(toRecord(message));
  });
  return { records, gone };
}

function inSpamOrTrash(message: GmailObject): boolean {
  const labels = message['labelIds'];
  return Array.isArray(labels) && (labels.includes('SPAM') || labels.includes('TRASH'));
}

/** The message as Gmail sent it, plus a few headers lifted to top-level fields for typed columns. */
export function toRecord(message: GmailObject): GmailObject {
  const headers = headerMap(message['payload']);
  const internalDate = Number(message['internalDate']);
  return {
    ...message,
    subject: headers.get('subject') ?? null,
    from: headers.get('from') ?? null,
    to: headers.get('to') ?? null,
    ...(Number.isFinite(internalDate) ? { received_at: new Date(internalDate).toISOString() } : {}),
  };
}

/** Header names are case-insensitive; the first occurrence wins, as mail clients show it. */
function headerMap(payload: unknown): Map<string, string> {
  const map = new Map<string, string>();
  const headers = isObject(payload) ? payload['headers'] : undefined;
  if (!Array.isArray(headers)) return map;
  for (const header of headers) {
    if (!isObject(header) || typeof header['name'] !== 'string' || typeof header['value'] !== 'string') continue;
    const name = header['name'].toLowerCase();
    if (!map.has(name)) map.set(name, header['value']);
  }
  return map;
}
