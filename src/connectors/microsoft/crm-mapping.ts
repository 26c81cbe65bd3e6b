import type { CrmMappingInput } from '../kit/index.js';

/** Microsoft 365 → the canonical CRM model: events are `meeting` activities, messages `email` activities, senders and attendees contacts. */
export const crmMapping: CrmMappingInput[] = [
  {
    name: 'event_activity',
    stream: 'events',
    entity: 'activities',
    when: { path: 'isCancelled', equals: true, not: true },
    fields: {
      activity_type: { const: 'meeting' },
      title: 'subject',
      description: 'bodyPreview',
      occurred_at: { path: 'start.dateTime', transform: 'timestamp' },
      contact_email: { path: 'organizer.emailAddress.address', transform: 'email' },
      company_domain: { path: 'organizer.emailAddress.address', transform: 'email_domain' },
    },
  },
  {
    name: 'attendee_contact',
    stream: 'events',
    entity: 'contacts',
    each: 'attendees',
    when: { path: 'type', equals: 'resource', not: true },
    fields: {
      email: { path: 'emailAddress.address', transform: 'email' },
      name: 'emailAddress.name',
      company_domain: { path: 'emailAddress.address', transform: 'email_domain' },
    },
  },
  {
    name: 'message_activity',
    stream: 'messages',
    entity: 'activities',
    fields: {
      activity_type: { const: 'email' },
      title: 'subject',
      description: 'bodyPreview',
      occurred_at: [{ path: 'receivedDateTime', transform: 'timestamp' }, { path: 'sentDateTime', transform: 'timestamp' }],
      contact_email: { path: 'from.emailAddress.address', transform: 'email' },
      company_domain: { path: 'from.emailAddress.address', transform: 'email_domain' },
    },
  },
  {
    name: 'sender_contact',
    stream: 'messages',
    entity: 'contacts',
    fields: {
      email: { path: 'from.emailAddress.address', transform: 'email' },
      name: 'from.emailAddress.name',
      company_domain: { path: 'from.emailAddress.address', transform: 'email_domain' },
    },
  },
];
