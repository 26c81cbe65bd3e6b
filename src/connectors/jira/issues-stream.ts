import { lenientState, timeOf, type StreamContext, type StreamReader, type StreamState } from '../kit/index.js';
import { cursorMinute, issuesJql } from './jql.js';
import { asObjects, configuredProjects, requireSite, userTimeZone, type JiraObject } from './stream-support.js';

/**
 * `issues`: the enhanced JQL search, `GET /rest/api/3/search/jql?jql=updated >= "<minute>" ORDER BY updated ASC,
 * key ASC&fields=*navigable&maxResults=100`, paged by `nextPageToken`.
 *
 * State: `{ cursor: "<latest fields.updated read, ISO>" | null, seen: [ids updated at exactly that instant] }`. A
 * checkpoint follows every page. JQL only goes to the minute, so each query starts at the cursor's minute and the
 * issues before the cursor (or at it and already in `seen`) are dropped: no duplicates, and since `>=` overlaps,
 * nothing is skipped. A full refresh is the same walk from the beginning; a state holding only `cursor` (set by
 * hand) starts from it.
 *
 * Paging is keyset-style: once the cursor has moved past the minute a query started at, the next page is a fresh
 * query from the cursor rather than the next token, so an issue updated (and so moved to the end) mid-walk cannot
 * shift an unread one onto a page already read. Tokens are followed only while a whole page sits in one minute, or
 * when the user's time zone is unknown (then the query's start lags the cursor by up to 12 hours, too much to
 * restart from on every page).
 *
 * Deleted issues simply stop matching: Jira's search reports no deletions, so a full refresh finds them.
 */
const pageSize = 100;

interface Position {
  cursorMs: number | null;
  seen: Set<string>;
}

function readPosition(stored: StreamState | null): Position {
  const state = lenientState(stored);
  const cursorMs = timeOf(state.text('cursor'));
  return { cursorMs: Number.isNaN(cursorMs) ? null : cursorMs, seen: new Set(state.texts('seen')) };
}

function snapshot(position: Position): StreamState {
  return {
    cursor: position.cursorMs === null ? null : new Date(position.cursorMs).toISOString(),
    seen: [...position.seen],
  };
}

/** Drops what the position already covers, then moves the position over the page. */
function take(issues: JiraObject[], position: Position): JiraObject[] {
  const fresh: JiraObject[] = [];
  for (const issue of issues) {
    const id = String(issue['id']);
    const fields = issue['fields'] as JiraObject | undefined;
    const updated = timeOf(fields?.['updated']);
    if (Number.isNaN(updated)) {
      fresh.push(issue);
      continue;
    }
    if (position.cursorMs !== null && (updated < position.cursorMs || (updated === position.cursorMs && position.seen.has(id)))) continue;
    fresh.push(issue);
    if (position.cursorMs === null || updated > position.cursorMs) {
      position.cursorMs = updated;
      position.seen = new Set([id]);
    } else {
      position.seen.add(id);
    }
  }
  return fresh;
}

async function searchPage(ctx: StreamContext, jql: string, token: string | undefined): Promise<{ issues: JiraObject[]; next: string | null }> {
  const response = await ctx.http.get<JiraObject>(
    '/rest/api/3/search/jql',
    { jql, fields: '*navigable', maxResults: pageSize, nextPageToken: token },
    { signal: ctx.signal },
  );
  const body = response.body;
  const next = typeof body['nextPageToken'] === 'string' && body['nextPageToken'] !== '' && body['isLast'] !== true ? body['nextPageToken'] : null;
  return { issues: asObjects(body['issues']), next };
}

export const readIssues: StreamReader = async function* (ctx) {
  requireSite(ctx.config);
  const projects = configuredProjects(ctx.config);
  const timeZone = await userTimeZone(ctx);
  const position = readPosition(ctx.state);
  ctx.log('debug', 'issues walk', { from: snapshot(position).cursor, timeZone });

  for (;;) {
    const since = position.cursorMs === null ? null : cursorMinute(position.cursorMs, timeZone);
    const jql = issuesJql(projects, since);
    let token: string | undefined;
    for (;;) {
      const page = await searchPage(ctx, jql, token);
      const records = take(page.issues, position);
      if (records.length > 0) yield { type: 'records', records };
      yield { type: 'state', state: snapshot(position) };
      if (page.next === null) return;
      const movedOn = timeZone !== null && position.cursorMs !== null && cursorMinute(position.cursorMs, timeZone) !== since;
      if (movedOn) break;
      token = page.next;
    }
  }
};
