/**
 * JSON Schemas of the records, after the objects of Slack's Web API (conversation, user, message, thread reply).
 * The fields worth a typed column are listed; `additionalProperties` stays open because Slack adds fields over
 * time and messages vary by subtype.
 */
import { schema, type JsonSchema as Schema } from '../kit/index.js';

const { string, integer, number, boolean, nullable, object, arrayOf } = schema;
/** Slack's message timestamp, `1512085950.000216`: epoch seconds and a per-channel sequence. */
const ts: Schema = { type: 'string', pattern: '^\\d{10}\\.\\d{6}$' };
const stringArray = arrayOf(string);

const topicOrPurpose = object({ value: string, creator: string, last_set: integer });

export const channelSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Slack conversation (channel)',
  ...object(
    {
      id: string,
      name: string,
      name_normalized: string,
      created: integer,
      creator: string,
      updated: integer,
      is_channel: boolean,
      is_group: boolean,
      is_im: boolean,
      is_mpim: boolean,
      is_private: boolean,
      is_archived: boolean,
      is_general: boolean,
      is_shared: boolean,
      is_ext_shared: boolean,
      is_org_shared: boolean,
      is_pending_ext_shared: boolean,
      is_member: boolean,
      num_members: integer,
      unlinked: integer,
      context_team_id: string,
      topic: topicOrPurpose,
      purpose: topicOrPurpose,
      previous_names: stringArray,
      pending_shared: stringArray,
      shared_team_ids: stringArray,
    },
    ['id', 'name', 'created', 'is_private', 'is_archived'],
  ),
};

const profile = object({
  real_name: string,
  real_name_normalized: string,
  display_name: string,
  display_name_normalized: string,
  first_name: string,
  last_name: string,
  title: string,
  email: string,
  phone: string,
  status_text: string,
  status_emoji: string,
  avatar_hash: string,
  image_24: string,
  image_48: string,
  image_192: string,
  team: string,
});

export const userSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Slack user',
  ...object(
    {
      id: string,
      team_id: string,
      name: string,
      real_name: string,
      deleted: boolean,
      color: string,
      tz: nullable(string),
      tz_label: string,
      tz_offset: number,
      is_admin: boolean,
      is_owner: boolean,
      is_primary_owner: boolean,
      is_restricted: boolean,
      is_ultra_restricted: boolean,
      is_bot: boolean,
      is_app_user: boolean,
      is_email_confirmed: boolean,
      who_can_share_contact_card: string,
      updated: integer,
      profile,
    },
    ['id', 'name', 'deleted', 'is_bot', 'updated', 'profile'],
  ),
};

const reaction = object({ name: string, users: stringArray, count: integer });

/** What history items and thread replies share: both are Slack message objects. */
const messageProperties: Record<string, Schema> = {
  channel_id: { type: 'string', description: 'The conversation the message is in (added by Tributary: Slack message objects do not carry it)' },
  ts,
  type: { type: 'string', const: 'message' },
  subtype: string,
  user: string,
  bot_id: string,
  username: string,
  text: string,
  team: string,
  client_msg_id: string,
  edited: object({ user: string, ts }),
  reactions: { type: 'array', items: reaction },
  thread_ts: ts,
  blocks: { type: 'array', items: { type: 'object' } },
  attachments: { type: 'array', items: { type: 'object' } },
  files: { type: 'array', items: { type: 'object' } },
};

export const messageSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Slack message',
  ...object(
    {
      ...messageProperties,
      reply_count: integer,
      reply_users_count: integer,
      latest_reply: ts,
      reply_users: stringArray,
    },
    ['channel_id', 'ts', 'type'],
  ),
};

export const threadReplySchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Slack thread reply',
  ...object(
    {
      ...messageProperties,
      thread_ts: { ...ts, description: "The parent message's ts: the thread's id in its channel" },
      parent_user_id: string,
    },
    ['channel_id', 'ts', 'type', 'thread_ts'],
  ),
};
