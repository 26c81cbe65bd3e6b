/**
 * JSON Schemas of the records, after GitHub's REST objects (API version 2022-11-28): the fields worth a
 * typed column are listed, and `additionalProperties` stays open because GitHub adds fields over time.
 */
import { schema, type JsonSchema as Schema } from '../kit/index.js';

const { string, integer, boolean, dateTime, nullable, object, arrayOf, oneOf } = schema;

/** GitHub's "simple user". */
const user = object({
  login: string,
  id: integer,
  node_id: string,
  avatar_url: string,
  url: string,
  html_url: string,
  type: string,
  site_admin: boolean,
});

const label = object({
  id: integer,
  node_id: string,
  url: string,
  name: string,
  color: string,
  default: boolean,
  description: nullable(string),
});

const milestone = nullable(
  object({
    id: integer,
    number: integer,
    title: string,
    state: oneOf(['open', 'closed']),
    due_on: nullable(dateTime),
  }),
);

const authorAssociation: Schema = oneOf(['COLLABORATOR', 'CONTRIBUTOR', 'FIRST_TIMER', 'FIRST_TIME_CONTRIBUTOR', 'MANNEQUIN', 'MEMBER', 'NONE', 'OWNER']);

const repositoryFullName: Schema = { type: 'string', description: 'owner/name of the repository (added by Tributary)' };

export const repositorySchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'GitHub repository',
  ...object(
    {
      id: integer,
      node_id: string,
      name: string,
      full_name: string,
      private: boolean,
      owner: user,
      html_url: string,
      description: nullable(string),
      fork: boolean,
      url: string,
      homepage: nullable(string),
      language: nullable(string),
      size: integer,
      stargazers_count: integer,
      watchers_count: integer,
      forks_count: integer,
      open_issues_count: integer,
      default_branch: string,
      visibility: string,
      topics: arrayOf(string),
      has_issues: boolean,
      has_projects: boolean,
      has_wiki: boolean,
      archived: boolean,
      disabled: boolean,
      is_template: boolean,
      license: nullable(object({ key: string, name: string, spdx_id: nullable(string) })),
      permissions: object({ admin: boolean, maintain: boolean, push: boolean, triage: boolean, pull: boolean }),
      created_at: dateTime,
      updated_at: dateTime,
      pushed_at: nullable(dateTime),
    },
    ['id', 'name', 'full_name', 'owner', 'updated_at'],
  ),
};

export const issueSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'GitHub issue',
  ...object(
    {
      id: integer,
      node_id: string,
      number: integer,
      repository_full_name: repositoryFullName,
      title: string,
      body: nullable(string),
      state: oneOf(['open', 'closed']),
      state_reason: nullable(oneOf(['completed', 'reopened', 'not_planned', 'duplicate'])),
      locked: boolean,
      active_lock_reason: nullable(string),
      user: nullable(user),
      labels: arrayOf(label),
      assignee: nullable(user),
      assignees: arrayOf(user),
      milestone,
      comments: integer,
      author_association: authorAssociation,
      url: string,
      repository_url: string,
      html_url: string,
      created_at: dateTime,
      updated_at: dateTime,
      closed_at: nullable(dateTime),
    },
    ['id', 'number', 'repository_full_name', 'title', 'state', 'created_at', 'updated_at'],
  ),
};

const branch = object({ label: string, ref: string, sha: string, user: nullable(user), repo: nullable(object({ id: integer, full_name: string })) });

export const pullRequestSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'GitHub pull request',
  ...object(
    {
      id: integer,
      node_id: string,
      number: integer,
      repository_full_name: repositoryFullName,
      title: string,
      body: nullable(string),
      state: oneOf(['open', 'closed']),
      draft: boolean,
      locked: boolean,
      user: nullable(user),
      labels: arrayOf(label),
      assignee: nullable(user),
      assignees: arrayOf(user),
      requested_reviewers: arrayOf(user),
      milestone,
      head: branch,
      base: branch,
      merge_commit_sha: nullable(string),
      author_association: authorAssociation,
      url: string,
      html_url: string,
      issue_url: string,
      created_at: dateTime,
      updated_at: dateTime,
      closed_at: nullable(dateTime),
      merged_at: nullable(dateTime),
    },
    ['id', 'number', 'repository_full_name', 'title', 'state', 'created_at', 'updated_at'],
  ),
};
