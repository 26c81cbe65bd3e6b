import type { CrmMappingInput } from '../kit/index.js';

/**
 * GitHub → the canonical CRM model: pull requests are activities (GitHub gives no emails to link contacts by).
 * Issues are not mapped by default: a busy repository has tens of thousands, mostly noise in a CRM timeline; a
 * connection that wants them adds an `issues` mapping through `PUT /connections/:id/mappings`.
 */
export const crmMapping: CrmMappingInput[] = [
  {
    name: 'pull_request_activity',
    stream: 'pull_requests',
    entity: 'activities',
    fields: {
      activity_type: { const: 'pull_request' },
      title: 'title',
      description: 'body',
      occurred_at: { path: 'created_at', transform: 'timestamp' },
      'custom.url': 'html_url',
      'custom.repository': 'repository_full_name',
      'custom.author': 'user.login',
      'custom.state': 'state',
    },
  },
];
