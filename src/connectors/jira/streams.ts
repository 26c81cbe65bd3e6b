import type { StreamReader } from '../kit/index.js';
import { readIssues } from './issues-stream.js';
import { readProjects } from './projects-stream.js';

/** One reader per stream of the manifest. */
export const streams: Record<'projects' | 'issues', StreamReader> = {
  projects: readProjects,
  issues: readIssues,
};

export { readIssues, readProjects };
