import type { StreamReader, StreamState } from '../kit/index.js';
import { asObjects, configuredProjects, requireSite, type JiraObject } from './stream-support.js';

/**
 * `projects` (full refresh): `GET /rest/api/3/project/search?startAt=&maxResults=50&orderBy=key` with the
 * description, lead and URL expanded, and `keys=` repeated for the configured projects. Jira pages by offset and
 * says `isLast` on the last page.
 *
 * State, only while a pass is unfinished: `{ startAt: n }`; a finished pass leaves `{}`.
 */
const pageSize = 50;

export const readProjects: StreamReader = async function* (ctx) {
  requireSite(ctx.config);
  const keys = configuredProjects(ctx.config);
  // Repeated `keys=` parameters go in the path: the client's query object holds one value per name.
  const url = `/rest/api/3/project/search${keys ? `?${keys.map((key) => `keys=${encodeURIComponent(key)}`).join('&')}` : ''}`;
  let startAt = typeof ctx.state?.['startAt'] === 'number' && ctx.state['startAt'] > 0 ? ctx.state['startAt'] : 0;
  for (;;) {
    const response = await ctx.http.get<JiraObject>(
      url,
      { startAt, maxResults: pageSize, orderBy: 'key', expand: 'description,lead,url' },
      { signal: ctx.signal },
    );
    const values = asObjects(response.body['values']);
    if (values.length > 0) yield { type: 'records', records: values };
    startAt += values.length;
    const done = response.body['isLast'] === true || values.length === 0;
    const state: StreamState = done ? {} : { startAt };
    yield { type: 'state', state };
    if (done) return;
  }
};
