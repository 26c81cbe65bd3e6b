import type { CrmMappingInput } from '../kit/index.js';

/**
 * Stripe → the canonical CRM model. A customer is a contact (by email) and, through its email's domain, a
 * company (free-mail domains make none); an invoice is an invoice linked to both. Amounts are minor units and
 * times Unix seconds, as Stripe sends them.
 */
export const crmMapping: CrmMappingInput[] = [
  {
    name: 'customer_company',
    stream: 'customers',
    entity: 'companies',
    fields: {
      domain: { path: 'email', transform: 'email_domain' },
      name: ['metadata.company', { path: 'email', transform: ['email_domain', 'domain_label'] }],
    },
  },
  {
    name: 'customer_contact',
    stream: 'customers',
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
    name: 'invoice',
    stream: 'invoices',
    entity: 'invoices',
    fields: {
      number: ['number', 'id'],
      status: 'status',
      currency: { path: 'currency', transform: 'upper' },
      total: { path: 'total', transform: 'cents_to_amount' },
      amount_due: { path: 'amount_due', transform: 'cents_to_amount' },
      amount_paid: { path: 'amount_paid', transform: 'cents_to_amount' },
      issued_at: { path: 'created', transform: 'unix_to_timestamp' },
      due_at: { path: 'due_date', transform: 'unix_to_timestamp' },
      paid_at: { path: 'status_transitions.paid_at', transform: 'unix_to_timestamp' },
      description: 'description',
      contact_email: { path: 'customer_email', transform: 'email' },
      company_domain: { path: 'customer_email', transform: 'email_domain' },
    },
  },
];
