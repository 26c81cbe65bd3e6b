import type { ManifestInput } from '../kit/index.js';
import { issueSchema, projectSchema } from './schemas.js';

/**
 * Jira Cloud through the REST API v3, with either of Atlassian's two ways in:
 *
 * - An API token (`auth_mode: api_key`): HTTP Basic with the account's email and the token, sent to the site itself
 *   (`config.base_url` = `https://your-domain.atlassian.net`, which a pasted token cannot work without: Atlassian
 *   has no single API host for it).
 * - OAuth 2.0 (3LO): `audience=api.atlassian.com` and `prompt=consent` on the authorize URL, as Atlassian's
 *   authorization URL is documented; `offline_access` for a refresh token (they rotate: each refresh returns a new
 *   one). Atlassian documents no PKCE for 3LO apps and no revocation endpoint (users remove an app from their
 *   account's "Connected apps"), so neither is declared. A 3LO token does not work against the site: requests go
 *   through the gateway `https://api.atlassian.com/ex/jira/{cloudid}`, so after the code exchange
 *   `afterAuthorization` looks the cloud id up (`GET /oauth/token/accessible-resources`) and sets `base_url`.
 *
 * `allowed_hosts` lists `*.atlassian.net` for the sites; see docs/credential-destinations.md for how host patterns are checked.
 */
export const manifest: ManifestInput = {
  id: 'jira',
  name: 'Jira',
  description: 'Projects and issues from Jira Cloud, incrementally by last update.',
  category: 'project-management',
  brand_logo: 'https://cdn.simpleicons.org/jira/0052CC',
  brand_color: '#0052CC',
  auth_mode: 'api_key',
  fields: [
    {
      key: 'email',
      label: 'Atlassian account email',
      type: 'email',
      required: true,
      placeholder: 'you@example.com',
      help: 'The email of the Atlassian account the API token belongs to. Not needed when you connect with OAuth.',
    },
    {
      key: 'api_token',
      label: 'API token',
      type: 'password',
      secret: true,
      required: true,
      help: 'Create one at https://id.atlassian.com/manage-profile/security/api-tokens. Not needed when you connect with OAuth.',
    },
  ],
  config_fields: [
    {
      key: 'base_url',
      label: 'Jira site URL',
      type: 'url',
      required: false,
      placeholder: 'https://your-domain.atlassian.net',
      help: 'Required with an API token: your Jira site. With OAuth, leave it empty; it is set to https://api.atlassian.com/ex/jira/<cloud id> after you authorize.',
    },
    {
      key: 'projects',
      label: 'Projects',
      type: 'string',
      required: false,
      placeholder: 'PLAT, WEB',
      help: 'Comma-separated project keys. Empty: every project the account can browse.',
      pattern: '^\\s*[A-Za-z][A-Za-z0-9_]*(\\s*,\\s*[A-Za-z][A-Za-z0-9_]*)*\\s*,?\\s*$',
    },
    {
      key: 'site_url',
      label: 'Site (OAuth)',
      type: 'url',
      required: false,
      placeholder: 'https://your-domain.atlassian.net',
      help: 'OAuth only: which of the sites you granted access to this connection reads. Empty: the first Jira site.',
    },
    {
      key: 'cloud_id',
      label: 'Cloud id (OAuth)',
      type: 'string',
      required: false,
      help: 'Set by the OAuth flow from accessible-resources: the id of the site in https://api.atlassian.com/ex/jira/<cloud id>.',
      pattern: '^[0-9a-fA-F-]{8,64}$',
    },
  ],
  auth: {
    headers: {},
    query: {},
    basic: { username: '{{fields.email}}', password: '{{fields.api_token}}' },
  },
  verify: { method: 'GET', path: '/rest/api/3/myself', headers: {}, success_status: [200] },
  oauth: {
    authorization_url: 'https://auth.atlassian.com/authorize',
    token_url: 'https://auth.atlassian.com/oauth/token',
    scopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
    scope_separator: ' ',
    pkce: false,
    authorize_params: { audience: 'api.atlassian.com', prompt: 'consent' },
    token_auth: 'client_secret_post',
    auth_headers: { Authorization: 'Bearer {{fields.access_token}}' },
  },
  // Where OAuth connections start (accessible-resources lives on the gateway); API-token connections set their site.
  base_url: 'https://api.atlassian.com',
  allowed_hosts: ['api.atlassian.com', 'auth.atlassian.com', '*.atlassian.net'],
  default_headers: { Accept: 'application/json' },
  // Atlassian publishes no numbers for API-token traffic ("burst" limits) and per-endpoint per-second limits for
  // OAuth apps; ten a second stays well inside both, and 429s with Retry-After are honoured on top.
  rate_limit: { requests_per_second: 10, burst: 10 },
  streams: [
    {
      name: 'projects',
      description: 'Projects the account can browse (GET /rest/api/3/project/search).',
      json_schema: projectSchema,
      primary_key: ['id'],
      sync_modes: ['full_refresh'],
    },
    {
      name: 'issues',
      description: 'Issues, by the enhanced JQL search ordered by last update (GET /rest/api/3/search/jql).',
      json_schema: issueSchema,
      primary_key: ['id'],
      cursor_field: 'fields.updated',
      sync_modes: ['full_refresh', 'incremental'],
    },
  ],
};
