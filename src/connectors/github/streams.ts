import type { StreamReader } from '../kit/index.js';
import { readIssues } from './issues-stream.js';
import { readPullRequests } from './pull-requests-stream.js';
import { readRepositories } from './repositories-stream.js';

/** One reader per stream of the manifest. */
export const streams: Record<'repositories' | 'issues' | 'pull_requests', StreamReader> = {
  repositories: readRepositories,
  issues: readIssues,
  pull_requests: readPullRequests,
};

export { readIssues, readPullRequests, readRepositories };
