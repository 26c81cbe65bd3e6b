import type { ManifestInput } from '../kit/index.js';
import { contractSchema, personSchema } from './schemas.js';

/**
 * Deel through its REST API v2 (https://developer.deel.com/api).
 *
 * Auth: an organization or personal API token (Developer Center → Access Tokens) as `Authorization: Bearer`,
 * with the scopes `people:read` and `contracts:read`. OAuth apps (Developer Center → Apps) use the authorization
 * code grant at `app.deel.com/oauth2/authorize` and `/oauth2/tokens`, with the client authenticating by HTTP
 * Basic; access tokens last 30 days and refresh tokens are single-use (each refresh returns a new one). Deel
 * documents neither PKCE nor a revocation endpoint, so neither is declared.
 *
 * Deel's sandbox (demo) environment is a base URL away: `https://api-sandbox.demo.deel.com/rest/v2`, with its
 * OAuth on `https://demo.deel.com` (set `authorization_url`/`token_url` for a demo app).
 *
 * Rate limit: 5 requests a second per organization, shared by all its tokens, in a rolling one-second window,
 * and no rate-limit headers. 4 a second with no burst keeps any one-second window at 5 or fewer.
 */
export const manifest: ManifestInput = {
  id: 'deel',
  name: 'Deel',
  description: 'People (employees and contractors) and contracts from Deel.',
  category: 'hr',
  brand_logo: 'https://cdn.simpleicons.org/deel/15357A',
  brand_color: '#15357A',
  auth_mode: 'api_key',
  fields: [
    {
      key: 'token',
      label: 'API token',
      type: 'password',
      secret: true,
      required: true,
      help: 'An organization token (or a personal one) from Deel → More → Developer → Access Tokens, with the people:read and contracts:read scopes.',
    },
  ],
  config_fields: [
    {
      key: 'base_url',
      label: 'API base URL',
      type: 'url',
      required: false,
      placeholder: 'https://api.letsdeel.com/rest/v2',
      help: "Leave empty for production. Deel's sandbox: https://api-sandbox.demo.deel.com/rest/v2",
    },
  ],
  auth: {
    headers: { Authorization: 'Bearer {{fields.token}}' },
    query: {},
  },
  // The cheapest call the synced scopes allow: one person.
  verify: { method: 'GET', path: '/people?limit=1', headers: {}, success_status: [200] },
  oauth: {
    authorization_url: 'https://app.deel.com/oauth2/authorize',
    token_url: 'https://app.deel.com/oauth2/tokens',
    scopes: ['people:read', 'contracts:read'],
    scope_separator: ' ',
    pkce: false,
    authorize_params: {},
    token_auth: 'client_secret_basic',
    token_field: 'token',
  },
  base_url: 'https://api.letsdeel.com/rest/v2',
  allowed_hosts: ['api.letsdeel.com', 'api-sandbox.demo.deel.com'],
  default_headers: { Accept: 'application/json' },
  rate_limit: { requests_per_second: 4, burst: 1 },
  streams: [
    {
      name: 'people',
      description:
        'Everyone in the organization (employees, contractors, EOR workers) with their employments. Incremental by updated_at, ' +
        'filtered client-side: Deel offers no updated_at filter or sort, so every read walks the whole list.',
      json_schema: personSchema,
      primary_key: ['id'],
      cursor_field: 'updated_at',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'contracts',
      description: 'Every contract of the organization. Full refresh only: list items carry no updated_at.',
      json_schema: contractSchema,
      primary_key: ['id'],
      sync_modes: ['full_refresh'],
    },
  ],
};
