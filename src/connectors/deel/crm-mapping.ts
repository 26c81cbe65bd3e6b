import type { CrmMappingInput } from '../kit/index.js';

/** Deel → the canonical CRM model: each person (contractor or employee) is a contact. */
export const crmMapping: CrmMappingInput[] = [
  {
    name: 'person_contact',
    stream: 'people',
    entity: 'contacts',
    fields: {
      email: [
        { path: 'emails.0.value', transform: 'email' },
        { path: 'employments.0.work_email', transform: 'email' },
        { path: 'employments.0.email', transform: 'email' },
      ],
      name: 'full_name',
      first_name: ['preferred_first_name', 'first_name'],
      last_name: ['preferred_last_name', 'last_name'],
      title: 'job_title',
      company_domain: [{ path: 'emails.0.value', transform: 'email_domain' }, { path: 'employments.0.work_email', transform: 'email_domain' }],
    },
  },
];
