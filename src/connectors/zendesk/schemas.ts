/**
 * JSON Schemas of the records, after the ticket, user and organization objects of Zendesk's API reference and the
 * incremental export examples of its OpenAPI document. Zendesk adds fields over time and admins add custom
 * ones, so only the identity and cursor fields are required and `additionalProperties` stays open.
 */
type Schema = Record<string, unknown>;

const orNull = (type: string, extra: Schema = {}): Schema => ({ type: [type, 'null'], ...extra });
const str = orNull('string');
const int = orNull('integer');
const bool = { type: 'boolean' };
const time = { type: 'string', format: 'date-time' };
const ids = { type: 'array', items: { type: 'integer' } };
const tags = { type: 'array', items: { type: 'string' } };
const record = (title: string, properties: Record<string, Schema>): Schema => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title,
  type: 'object',
  properties: { id: { type: 'integer' }, url: { type: 'string' }, created_at: time, updated_at: time, ...properties },
  required: ['id', 'updated_at'],
  additionalProperties: true,
});

export const ticketSchema = record('Zendesk ticket', {
  external_id: str,
  type: orNull('string', { enum: ['problem', 'incident', 'question', 'task', null] }),
  subject: str,
  raw_subject: str,
  description: str,
  priority: orNull('string', { enum: ['urgent', 'high', 'normal', 'low', null] }),
  // "deleted" appears only in the incremental export: a deleted ticket is a deletion, not a status change.
  status: { type: 'string', enum: ['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted'] },
  recipient: str,
  requester_id: int,
  submitter_id: int,
  assignee_id: int,
  organization_id: int,
  group_id: int,
  brand_id: int,
  ticket_form_id: int,
  problem_id: int,
  collaborator_ids: ids,
  follower_ids: ids,
  email_cc_ids: ids,
  sharing_agreement_ids: ids,
  has_incidents: bool,
  is_public: bool,
  due_at: orNull('string', { format: 'date-time' }),
  tags,
  custom_fields: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' } } } },
  via: { type: 'object', properties: { channel: { type: ['string', 'integer'] }, source: { type: 'object' } } },
  satisfaction_rating: orNull('object'),
  generated_timestamp: { type: 'integer', description: 'Unix seconds of the last change, system updates included.' },
});

export const userSchema = record('Zendesk user', {
  name: { type: 'string' },
  email: str,
  alias: str,
  phone: str,
  external_id: str,
  role: { type: 'string', enum: ['end-user', 'agent', 'admin'] },
  role_type: int,
  custom_role_id: int,
  organization_id: int,
  default_group_id: int,
  // False for a deleted user: the export reports deletions this way.
  active: bool,
  verified: bool,
  suspended: bool,
  shared: bool,
  shared_agent: bool,
  moderator: bool,
  restricted_agent: bool,
  only_private_comments: bool,
  ticket_restriction: orNull('string', { enum: ['organization', 'groups', 'assigned', 'requested', null] }),
  locale: str,
  locale_id: int,
  time_zone: str,
  iana_time_zone: str,
  last_login_at: orNull('string', { format: 'date-time' }),
  details: str,
  notes: str,
  signature: str,
  tags,
  photo: orNull('object'),
  user_fields: { type: 'object' },
});

export const organizationSchema = record('Zendesk organization', {
  name: { type: 'string' },
  external_id: str,
  details: str,
  notes: str,
  group_id: int,
  shared_tickets: bool,
  shared_comments: bool,
  domain_names: tags,
  tags,
  organization_fields: { type: 'object' },
});
