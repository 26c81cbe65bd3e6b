import type { CrmMappingInput } from '../kit/index.js';

/**
 * QuickBooks → the canonical CRM model. A customer is a company (its CompanyName, its email's domain) and a
 * contact (the person on it); an invoice is an invoice linked to both through its billing email.
 */
export const crmMapping: CrmMappingInput[] = [
  {
    name: 'customer_company',
    stream: 'customers',
    entity: 'companies',
    fields: {
      name: ['CompanyName', 'DisplayName'],
      domain: { path: 'PrimaryEmailAddr.Address', transform: 'email_domain' },
      phone: 'PrimaryPhone.FreeFormNumber',
      company_type: { const: 'customer' },
    },
  },
  {
    name: 'customer_contact',
    stream: 'customers',
    entity: 'contacts',
    fields: {
      email: { path: 'PrimaryEmailAddr.Address', transform: 'email' },
      first_name: 'GivenName',
      last_name: 'FamilyName',
      phone: 'PrimaryPhone.FreeFormNumber',
      company_domain: { path: 'PrimaryEmailAddr.Address', transform: 'email_domain' },
    },
  },
  {
    name: 'invoice',
    stream: 'invoices',
    entity: 'invoices',
    fields: {
      number: ['DocNumber', 'Id'],
      currency: { path: 'CurrencyRef.value', transform: 'upper' },
      total: { path: 'TotalAmt', transform: 'number' },
      amount_due: { path: 'Balance', transform: 'number' },
      issued_at: { path: 'TxnDate', transform: 'timestamp' },
      due_at: { path: 'DueDate', transform: 'timestamp' },
      description: ['CustomerMemo.value', 'PrivateNote'],
      contact_email: { path: 'BillEmail.Address', transform: 'email' },
      company_domain: { path: 'BillEmail.Address', transform: 'email_domain' },
    },
  },
];
