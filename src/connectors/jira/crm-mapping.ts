import type { CrmMappingInput } from '../kit/index.js';

/** Jira → the canonical CRM model: each issue is an activity linked to its reporter. */
export const crmMapping: CrmMappingInput[] = [
  {
    name: 'issue_activity',
    stream: 'issues',
    entity: 'activities',
    fields: {
      activity_type: { const: 'issue' },
      title: ['fields.summary', 'key'],
      description: 'fields.status.name',
      occurred_at: { path: 'fields.created', transform: 'timestamp' },
      contact_email: { path: 'fields.reporter.emailAddress', transform: 'email' },
      'custom.key': 'key',
      'custom.project': 'fields.project.key',
      'custom.status': 'fields.status.name',
    },
  },
];
