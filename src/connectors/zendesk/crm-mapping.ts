import type { CrmMappingInput } from '../kit/index.js';

/**
 * Zendesk → the canonical CRM model: an organization is a company (by its first domain), a user a contact, and a
 * ticket a `support_ticket` activity. A ticket names its requester by id only; an email ticket also carries the
 * sender's address in `via.source.from`, which links it to the contact.
 */
export const crmMapping: CrmMappingInput[] = [
  {
    name: 'organization_company',
    stream: 'organizations',
    entity: 'companies',
    fields: { name: 'name', domain: { path: 'domain_names.0', transform: 'domain' }, description: 'details', company_type: { const: 'customer' } },
  },
  {
    name: 'user_contact',
    stream: 'users',
    entity: 'contacts',
    fields: {
      email: { path: 'email', transform: 'email' },
      name: 'name',
      first_name: { path: 'name', transform: 'first_name' },
      last_name: { path: 'name', transform: 'last_name' },
      phone: 'phone',
      company_domain: { path: 'email', transform: 'email_domain' },
    },
  },
  {
    name: 'ticket_activity',
    stream: 'tickets',
    entity: 'activities',
    fields: {
      activity_type: { const: 'support_ticket' },
      title: 'subject',
      description: 'description',
      source: 'via.channel',
      occurred_at: { path: 'created_at', transform: 'timestamp' },
      contact_email: { path: 'via.source.from.address', transform: 'email' },
      company_domain: { path: 'via.source.from.address', transform: 'email_domain' },
      'custom.status': 'status',
      'custom.priority': 'priority',
    },
  },
];
