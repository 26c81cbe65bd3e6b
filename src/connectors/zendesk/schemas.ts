import { schema, type JsonSchema } from '../kit/index.js';

/**
 * JSON Schemas of the records, after the ticket, user and organization objects of Zendesk's API reference and the
 * examples of its incremental exports. Zendesk adds fields over time and admins add custom ones, so only the
 * identity and cursor fields are required and objects stay open.
 */
const { string, integer, boolean, dateTime, nullable, object, arrayOf, oneOf } = schema;
const id = nullable(integer);
const ids = arrayOf(integer);
const record = (title: string, properties: Record<string, JsonSchema>): JsonSchema => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title,
  ...object({ id: integer, url: string, created_at: dateTime, updated_at: dateTime, external_id: nullable(string), tags: arrayOf(string), ...properties }, ['id', 'updated_at']),
});

export const ticketSchema = record('Zendesk ticket', {
  type: nullable(oneOf(['problem', 'incident', 'question', 'task'])),
  subject: nullable(string),
  raw_subject: nullable(string),
  description: nullable(string),
  priority: nullable(oneOf(['urgent', 'high', 'normal', 'low'])),
  // "deleted" appears only in the incremental export: a deleted ticket is a deletion, not a status change.
  status: oneOf(['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted']),
  recipient: nullable(string),
  requester_id: id,
  submitter_id: id,
  assignee_id: id,
  organization_id: id,
  group_id: id,
  brand_id: id,
  ticket_form_id: id,
  problem_id: id,
  collaborator_ids: ids,
  follower_ids: ids,
  email_cc_ids: ids,
  sharing_agreement_ids: ids,
  has_incidents: boolean,
  is_public: boolean,
  due_at: nullable(dateTime),
  custom_fields: arrayOf(object({ id: integer })),
  via: object({ channel: string, source: object({}) }),
  satisfaction_rating: nullable(object({})),
  generated_timestamp: { ...integer, description: 'Unix seconds of the last change, system updates included.' },
});

export const userSchema = record('Zendesk user', {
  name: string,
  email: nullable(string),
  alias: nullable(string),
  phone: nullable(string),
  role: oneOf(['end-user', 'agent', 'admin']),
  role_type: id,
  custom_role_id: id,
  organization_id: id,
  default_group_id: id,
  // False for a deleted user: the export reports deletions this way.
  active: boolean,
  verified: boolean,
  suspended: boolean,
  shared: boolean,
  shared_agent: boolean,
  moderator: boolean,
  restricted_agent: boolean,
  only_private_comments: boolean,
  ticket_restriction: nullable(oneOf(['organization', 'groups', 'assigned', 'requested'])),
  locale: nullable(string),
  locale_id: id,
  time_zone: nullable(string),
  iana_time_zone: nullable(string),
  last_login_at: nullable(dateTime),
  details: nullable(string),
  notes: nullable(string),
  signature: nullable(string),
  photo: nullable(object({})),
  user_fields: object({}),
});

export const organizationSchema = record('Zendesk organization', {
  name: string,
  details: nullable(string),
  notes: nullable(string),
  group_id: id,
  shared_tickets: boolean,
  shared_comments: boolean,
  domain_names: arrayOf(string),
  organization_fields: object({}),
});
