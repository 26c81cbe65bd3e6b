import type { CrmMappingInput } from '../kit/index.js';

const sent = { path: 'labelIds', contains: 'SENT' } as const;
const received = { ...sent, not: true } as const;

/**
 * Gmail → the canonical CRM model. Every message is an `email` activity; the other party (the sender of a
 * received message, the first recipient of a sent one) is a contact, and its domain a company unless it is a
 * free-mail provider.
 */
export const crmMapping: CrmMappingInput[] = [
  {
    name: 'message_activity',
    stream: 'messages',
    entity: 'activities',
    fields: {
      activity_type: { const: 'email' },
      title: 'subject',
      description: 'snippet',
      occurred_at: ['received_at', { path: 'internalDate', transform: 'ms_to_timestamp' }],
      contact_email: [{ path: 'to', transform: 'email', when: sent }, { path: 'from', transform: 'email' }],
      company_domain: [{ path: 'to', transform: 'email_domain', when: sent }, { path: 'from', transform: 'email_domain', when: received }],
    },
  },
  {
    name: 'sender_contact',
    stream: 'messages',
    entity: 'contacts',
    when: received,
    fields: {
      email: { path: 'from', transform: 'email' },
      name: { path: 'from', transform: 'email_name' },
      company_domain: { path: 'from', transform: 'email_domain' },
    },
  },
  {
    name: 'recipient_contact',
    stream: 'messages',
    entity: 'contacts',
    when: sent,
    fields: {
      email: { path: 'to', transform: 'email' },
      name: { path: 'to', transform: 'email_name' },
      company_domain: { path: 'to', transform: 'email_domain' },
    },
  },
  {
    name: 'sender_company',
    stream: 'messages',
    entity: 'companies',
    when: received,
    fields: {
      domain: { path: 'from', transform: 'email_domain' },
      name: { path: 'from', transform: ['email_domain', 'domain_label'] },
    },
  },
  {
    name: 'recipient_company',
    stream: 'messages',
    entity: 'companies',
    when: sent,
    fields: {
      domain: { path: 'to', transform: 'email_domain' },
      name: { path: 'to', transform: ['email_domain', 'domain_label'] },
    },
  },
];
