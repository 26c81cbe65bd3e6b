import type { ManifestInput } from '../kit/index.js';
import { issueSchema, pullRequestSchema, repositorySchema } from './schemas.js';

/**
 * GitHub (and GitHub Enterprise Server) through the REST API, version 2022-11-28.
 *
 * OAuth: GitHub OAuth apps take `client_id`/`client_secret` in the token request body and, since July 2025,
 * PKCE with S256 (recommended, not required), so PKCE is on. GitHub answers the token request with a form
 * body unless it is sent `Accept: application/json`. Its tokens do not expire unless the app opts in to
 * expiring user tokens, and it has no RFC 7009 revocation endpoint (`DELETE /applications/{client_id}/token`
 * instead), so none is listed.
 */
export const manifest: ManifestInput = {
  id: 'github',
  name: 'GitHub',
  description: 'Repositories, issues and pull requests from GitHub or GitHub Enterprise Server.',
  category: 'developer-tools',
  brand_logo: 'https://cdn.simpleicons.org/github/181717',
  brand_color: '#181717',
  auth_mode: 'api_key',
  fields: [
    {
      key: 'token',
      label: 'Personal access token',
      type: 'password',
      secret: true,
      required: true,
      placeholder: 'github_pat_… or ghp_…',
      help: 'A fine-grained token with read access to Issues, Pull requests and Metadata, or a classic token with the repo scope.',
    },
  ],
  config_fields: [
    {
      key: 'base_url',
      label: 'API base URL',
      type: 'url',
      required: false,
      placeholder: 'https://api.github.com',
      help: 'Leave empty for github.com. GitHub Enterprise Server: https://HOST/api/v3',
    },
    {
      key: 'repositories',
      label: 'Repositories',
      type: 'string',
      required: false,
      placeholder: 'octocat/hello-world, octocat/spoon-knife',
      help: 'Comma-separated owner/name list. Empty: every repository the token can see (GET /user/repos).',
      pattern: '^\\s*[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(\\s*,\\s*[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)*\\s*,?\\s*$',
    },
  ],
  auth: {
    headers: { Authorization: 'Bearer {{fields.token}}' },
    query: {},
  },
  verify: { method: 'GET', path: '/user', headers: {}, success_status: [200] },
  oauth: {
    authorization_url: 'https://github.com/login/oauth/authorize',
    token_url: 'https://github.com/login/oauth/access_token',
    scopes: ['repo', 'read:org'],
    scope_separator: ' ',
    pkce: true,
    authorize_params: {},
    token_auth: 'client_secret_post',
    // An OAuth access token goes where a pasted token does: `Bearer {{fields.token}}`.
    token_field: 'token',
  },
  base_url: 'https://api.github.com',
  allowed_hosts: ['api.github.com'],
  default_headers: {
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': '2022-11-28',
  },
  streams: [
    {
      name: 'repositories',
      description: 'Repositories the token can read (or the configured ones).',
      json_schema: repositorySchema,
      primary_key: ['id'],
      cursor_field: 'updated_at',
      sync_modes: ['full_refresh'],
    },
    {
      name: 'issues',
      description: 'Issues of each repository, open and closed. Pull requests are in pull_requests.',
      json_schema: issueSchema,
      primary_key: ['id'],
      cursor_field: 'updated_at',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'pull_requests',
      description: 'Pull requests of each repository, open, closed and merged.',
      json_schema: pullRequestSchema,
      primary_key: ['id'],
      cursor_field: 'updated_at',
      sync_modes: ['full_refresh', 'incremental'],
    },
  ],
};
