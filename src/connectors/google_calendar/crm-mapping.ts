import type { CrmMappingInput } from '../kit/index.js';

/** Google Calendar → the canonical CRM model: each event is a `meeting` activity, each (human) attendee a contact. */
export const crmMapping: CrmMappingInput[] = [
  {
    name: 'event_activity',
    stream: 'events',
    entity: 'activities',
    when: { path: 'status', equals: 'cancelled', not: true },
    fields: {
      activity_type: { const: 'meeting' },
      title: 'summary',
      description: 'description',
      occurred_at: [{ path: 'start.dateTime', transform: 'timestamp' }, { path: 'start.date', transform: 'timestamp' }],
      contact_email: { path: 'organizer.email', transform: 'email' },
      company_domain: { path: 'organizer.email', transform: 'email_domain' },
    },
  },
  {
    name: 'attendee_contact',
    stream: 'events',
    entity: 'contacts',
    each: 'attendees',
    when: { path: 'resource', equals: true, not: true },
    fields: {
      email: { path: 'email', transform: 'email' },
      name: 'displayName',
      first_name: { path: 'displayName', transform: 'first_name' },
      last_name: { path: 'displayName', transform: 'last_name' },
      company_domain: { path: 'email', transform: 'email_domain' },
    },
  },
];
