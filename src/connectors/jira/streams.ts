import { declarativeStreams, type DescribedRequest, type StreamContext, type StreamReader } from '../kit/index.js';
import { readIssues } from './issues-stream.js';
import { manifest } from './manifest.js';
import { configuredProjects, requireSite } from './stream-support.js';

/**
 * Repeated `keys=` parameters go in the path (the query object holds one value per name), after checking that an
 * API-token connection names its site and that the configured projects are project keys.
 */
function projectKeys(request: DescribedRequest, ctx: StreamContext): DescribedRequest {
  requireSite(ctx.config);
  const keys = configuredProjects(ctx.config);
  return keys ? { ...request, path: `${request.path}?${keys.map((key) => `keys=${encodeURIComponent(key)}`).join('&')}` } : request;
}

/**
 * - `projects` (full refresh), described: `GET /rest/api/3/project/search?startAt=&maxResults=50&orderBy=key` with
 *   the description, lead and URL expanded, and `keys=` repeated for the configured projects (request hook). Jira
 *   pages by offset and says `isLast` on the last page; a short page is not the last (Jira may cap pages lower).
 *   State, only while a pass is unfinished: `{ startAt: n }`; a finished pass leaves `{}`.
 * - `issues`, hand-written (`issues-stream.ts`): a keyset walk by JQL minute in the user's time zone, which a
 *   description cannot say.
 */
const described = declarativeStreams(manifest, {
  projects: {
    requester: { path: '/rest/api/3/project/search', query: { orderBy: 'key', expand: 'description,lead,url' } },
    records: { path: 'values' },
    paginator: {
      type: 'offset',
      offset_param: 'startAt',
      limit_param: 'maxResults',
      limit: 50,
      short_page_ends: false,
      stop_when: { path: 'isLast', equals: true },
      resume_key: 'startAt',
    },
    hooks: { request: projectKeys },
  },
});

export const readProjects = described['projects']!;
export { readIssues };

/** One reader per stream of the manifest. */
export const streams: Record<'projects' | 'issues', StreamReader> = { projects: readProjects, issues: readIssues };
