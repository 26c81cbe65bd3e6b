import type { MessageFilter } from './listing.js';

/**
 * The query parameters Gmail's list methods take, read as Gmail reads them. `q` supports the search operators
 * a sync needs — `after:` / `before:` (epoch seconds, or YYYY/MM/DD at midnight Pacific time as Gmail's guide
 * says), `is:unread|starred|important`, `in:inbox|sent|spam|trash|anywhere`, `label:` — and refuses others
 * rather than silently ignoring them.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function maxResultsOf(params: URLSearchParams, fallback = 100, cap = 500): Parsed<number> {
  const raw = params.get('maxResults');
  if (raw === null || raw === '') return { ok: true, value: fallback };
  if (!/^[0-9]+$/.test(raw)) return { ok: false, message: `Invalid value at 'max_results' (TYPE_UINT32), "${raw}"` };
  const value = Number(raw);
  return { ok: true, value: value === 0 ? fallback : Math.min(cap, value) };
}

export function booleanOf(params: URLSearchParams, name: string): boolean {
  return params.get(name) === 'true';
}

const pacificOffsetMs = 8 * 3600_000;

function dateBound(value: string): number | null {
  if (/^[0-9]+$/.test(value)) return Number(value) * 1000;
  const match = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  if (!match) return null;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) + pacificOffsetMs;
}

const isLabels: Record<string, string> = { unread: 'UNREAD', starred: 'STARRED', important: 'IMPORTANT' };
const inLabels: Record<string, string> = { inbox: 'INBOX', sent: 'SENT', spam: 'SPAM', trash: 'TRASH' };

export function messageFilterOf(params: URLSearchParams): Parsed<MessageFilter> {
  const filter: MessageFilter = {
    includeSpamTrash: booleanOf(params, 'includeSpamTrash'),
    afterMs: null,
    beforeMs: null,
    labels: params.getAll('labelIds').filter((label) => label !== ''),
  };
  for (const term of (params.get('q') ?? '').split(/\s+/).filter((t) => t !== '')) {
    const colon = term.indexOf(':');
    const operator = colon === -1 ? '' : term.slice(0, colon).toLowerCase();
    const value = colon === -1 ? term : term.slice(colon + 1);
    if (operator === 'after' || operator === 'before') {
      const ms = dateBound(value);
      if (ms === null) return { ok: false, message: `Invalid query: ${operator}:${value}` };
      if (operator === 'after') filter.afterMs = Math.max(filter.afterMs ?? ms, ms);
      else filter.beforeMs = Math.min(filter.beforeMs ?? ms, ms);
    } else if (operator === 'is' && isLabels[value.toLowerCase()]) {
      filter.labels.push(isLabels[value.toLowerCase()]!);
    } else if (operator === 'in' && value.toLowerCase() === 'anywhere') {
      filter.includeSpamTrash = true;
    } else if (operator === 'in' && inLabels[value.toLowerCase()]) {
      const label = inLabels[value.toLowerCase()]!;
      filter.labels.push(label);
      if (label === 'SPAM' || label === 'TRASH') filter.includeSpamTrash = true;
    } else if (operator === 'label') {
      filter.labels.push(value);
    } else {
      return { ok: false, message: `The sandbox does not simulate the search term "${term}" (after:, before:, is:, in:, label: are supported)` };
    }
  }
  // Asking for a Spam or Trash label by id is asking for those messages.
  if (filter.labels.includes('SPAM') || filter.labels.includes('TRASH')) filter.includeSpamTrash = true;
  return { ok: true, value: filter };
}
