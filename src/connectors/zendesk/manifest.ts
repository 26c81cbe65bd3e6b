import type { ManifestInput } from '../kit/index.js';
import { organizationSchema, ticketSchema, userSchema } from './schemas.js';

/**
 * Zendesk Support through its REST API v2 (https://developer.zendesk.com/api-reference/), on the account's own
 * host `https://{subdomain}.zendesk.com/api/v2`.
 *
 * Auth: an API token (Admin Center → Apps and integrations → Zendesk API) as HTTP Basic with the user name
 * `{email}/token` and the token as password; or OAuth (authorization code, client secret in the body, PKCE
 * supported) at `https://{subdomain}.zendesk.com/oauth/authorizations/new` and `/oauth/tokens`, scope `read`.
 * Access tokens expire and come with a refresh token. Incremental exports are allowed for admins only.
 *
 * Rate limit: the incremental export endpoints take 10 requests a minute (30 with the High Volume API add-on),
 * answering 429 with Retry-After beyond it. 0.16 a second (9.6 a minute) stays inside the lower one.
 */
export const manifest: ManifestInput = {
  id: 'zendesk',
  name: 'Zendesk Support',
  description: 'Tickets, users and organizations from Zendesk Support, by its incremental export APIs.',
  category: 'support',
  brand_logo: 'https://cdn.simpleicons.org/zendesk/03363D',
  brand_color: '#03363D',
  auth_mode: 'api_key',
  fields: [
    { key: 'email', label: 'Agent email', type: 'email', required: true, help: 'The email of the admin the API token acts as. Not needed with OAuth.' },
    {
      key: 'api_token',
      label: 'API token',
      type: 'password',
      secret: true,
      required: true,
      help: 'Admin Center → Apps and integrations → APIs → Zendesk API → Add API token. Not needed with OAuth.',
    },
  ],
  config_fields: [
    {
      key: 'subdomain',
      label: 'Subdomain',
      required: false,
      placeholder: 'acme',
      help: 'The first label of your Zendesk address: acme for https://acme.zendesk.com.',
      pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
    },
    { key: 'base_url', label: 'API base URL', type: 'url', required: false, help: 'Instead of the subdomain: e.g. the sandbox, http://127.0.0.1:4019/api/v2.' },
  ],
  auth: { headers: {}, query: {}, basic: { username: '{{fields.email}}/token', password: '{{fields.api_token}}' } },
  verify: { method: 'GET', path: '/users/me', headers: {}, success_status: [200] },
  oauth: {
    authorization_url: 'https://{{config.subdomain}}.zendesk.com/oauth/authorizations/new',
    token_url: 'https://{{config.subdomain}}.zendesk.com/oauth/tokens',
    scopes: ['read'],
    pkce: true,
    token_auth: 'client_secret_post',
    auth_headers: { Authorization: 'Bearer {{fields.access_token}}' },
  },
  base_url: 'https://{{config.subdomain}}.zendesk.com/api/v2',
  allowed_hosts: ['{subdomain}.zendesk.com'],
  default_headers: { Accept: 'application/json' },
  rate_limit: { requests_per_second: 0.16, burst: 1 },
  streams: [
    {
      name: 'tickets',
      description: 'Every ticket, by the cursor-based incremental ticket export; deleted tickets come back with status "deleted".',
      json_schema: ticketSchema,
      primary_key: ['id'],
      cursor_field: 'updated_at',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'users',
      description: 'End users, agents and admins, by the cursor-based incremental user export; deleted users come back inactive.',
      json_schema: userSchema,
      primary_key: ['id'],
      cursor_field: 'updated_at',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'organizations',
      description: 'Organizations, by the time-based incremental organization export (start_time, end_time, end_of_stream).',
      json_schema: organizationSchema,
      primary_key: ['id'],
      cursor_field: 'updated_at',
      sync_modes: ['full_refresh', 'incremental'],
    },
  ],
};
