import type { CrmMappingInput } from '../kit/index.js';

/** Slack → the canonical CRM model: messages and thread replies are activities, (human) users contacts. */
/** A message as an activity; a thread reply is one too, with its thread. */
const messageFields: CrmMappingInput['fields'] = {
  activity_type: { const: 'message' },
  title: 'text',
  description: 'text',
  occurred_at: { path: 'ts', transform: 'unix_to_timestamp' },
  'custom.channel_id': 'channel_id',
  'custom.user': 'user',
};

export const crmMapping: CrmMappingInput[] = [
  {
    name: 'message_activity',
    stream: 'messages',
    entity: 'activities',
    fields: messageFields,
  },
  {
    name: 'reply_activity',
    stream: 'threads',
    entity: 'activities',
    fields: { ...messageFields, 'custom.thread_ts': 'thread_ts' },
  },
  {
    name: 'user_contact',
    stream: 'users',
    entity: 'contacts',
    when: { path: 'is_bot', equals: true, not: true },
    fields: {
      email: { path: 'profile.email', transform: 'email' },
      name: ['real_name', 'profile.real_name', 'name'],
      first_name: 'profile.first_name',
      last_name: 'profile.last_name',
      title: 'profile.title',
      phone: 'profile.phone',
      company_domain: { path: 'profile.email', transform: 'email_domain' },
    },
  },
];
