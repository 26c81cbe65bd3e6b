import { schema, type JsonSchema as Schema } from '../kit/index.js';

/**
 * JSON Schemas of the records, after the Jira Cloud REST API v3 objects (issue bean, project): records keep
 * Jira's own shape, so an issue's data sits under `fields` as in the API. The fields worth a typed column are
 * listed; `additionalProperties` stays open because every site has custom fields (`customfield_10020`…).
 * Jira prints `2024-05-01T21:30:05.123+1000`, which RFC 3339 parsers (and ajv's date-time) accept.
 */
const { string, integer, boolean, dateTime, date, nullable, object, arrayOf, oneOf } = schema;

const avatarUrls = object({ '16x16': string, '24x24': string, '32x32': string, '48x48': string });

/** A user as issue fields embed it; `emailAddress` only when the user's privacy settings allow it. */
const user = object({
  self: string,
  accountId: string,
  accountType: string,
  emailAddress: string,
  avatarUrls,
  displayName: string,
  active: boolean,
  timeZone: string,
});

const named = object({ self: string, id: string, name: string, description: string, iconUrl: string });

const statusCategory = object({ self: string, id: integer, key: oneOf(['new', 'indeterminate', 'done', 'undefined']), colorName: string, name: string });

/** Atlassian Document Format: rich text as a tree of nodes. */
const adfDocument = object({ type: { const: 'doc' }, version: integer, content: arrayOf({ type: 'object' }) }, ['type', 'content']);

export const issueSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Jira issue',
  ...object(
    {
      id: { type: 'string', description: 'The issue id, a number as a string (e.g. "10042").' },
      key: { type: 'string', description: 'The issue key, PROJECT-NUMBER; changes when an issue moves to another project.' },
      self: string,
      expand: string,
      fields: object(
        {
          summary: string,
          description: nullable(adfDocument),
          issuetype: object({ self: string, id: string, name: string, subtask: boolean, hierarchyLevel: integer }),
          project: object({ self: string, id: string, key: string, name: string, projectTypeKey: string, simplified: boolean }, ['id', 'key']),
          status: object({ self: string, id: string, name: string, statusCategory }),
          statuscategorychangedate: dateTime,
          priority: nullable(object({ self: string, id: string, name: string, iconUrl: string })),
          resolution: nullable(named),
          resolutiondate: nullable(dateTime),
          assignee: nullable(user),
          reporter: nullable(user),
          creator: nullable(user),
          labels: arrayOf(string),
          components: arrayOf(object({ self: string, id: string, name: string })),
          fixVersions: arrayOf(object({ self: string, id: string, name: string })),
          duedate: nullable(date),
          created: dateTime,
          updated: dateTime,
          watches: object({ self: string, watchCount: integer, isWatching: boolean }),
          votes: object({ self: string, votes: integer, hasVoted: boolean }),
        },
        ['updated'],
      ),
    },
    ['id', 'key', 'fields'],
  ),
};

export const projectSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Jira project',
  ...object(
    {
      id: { type: 'string', description: 'The project id, a number as a string (e.g. "10000").' },
      key: string,
      name: string,
      self: string,
      expand: string,
      description: string,
      lead: user,
      avatarUrls,
      projectTypeKey: oneOf(['software', 'service_desk', 'business', 'product_discovery', 'customer_service']),
      simplified: boolean,
      style: oneOf(['classic', 'next-gen']),
      isPrivate: boolean,
      url: string,
      uuid: string,
      entityId: string,
      archived: boolean,
      projectCategory: object({ self: string, id: string, name: string, description: string }),
      properties: { type: 'object' },
    },
    ['id', 'key', 'name'],
  ),
};
