import type { ManifestInput } from '../kit/index.js';
import { messageSchema, threadSchema } from './schemas.js';

/**
 * Gmail through the Gmail API v1 (https://gmail.googleapis.com/gmail/v1/users/me/…).
 *
 * OAuth: Google's web-server flow. `access_type=offline` is what makes Google issue a refresh token, and
 * `prompt=consent` makes it issue one again when the user already granted the app (Google only sends a refresh
 * token on the first consent otherwise). Google supports PKCE with S256 and RFC 7009 revocation at
 * oauth2.googleapis.com/revoke. `openid` is not asked for: nothing here needs an ID token.
 *
 * Scope: `gmail.readonly`, not `gmail.metadata`: the metadata scope forbids the `q` search parameter, which a
 * cursor set by date (`after:<epoch>`) needs. Message bodies are never requested (`format=metadata`).
 *
 * Quota: 15,000 units a minute per user (250 a second); `messages.get` and `messages.list` cost 5 units,
 * `history.list` 2, `threads.list` 10. 40 requests a second of `messages.get` is 200 units a second.
 */
export const manifest: ManifestInput = {
  id: 'gmail',
  name: 'Gmail',
  description: 'Message metadata (sender, recipients, subject, labels, snippet) and threads of a Gmail or Google Workspace mailbox.',
  category: 'communication',
  brand_logo: 'https://cdn.simpleicons.org/gmail/EA4335',
  brand_color: '#EA4335',
  // Connected by OAuth; a token the user already has may be pasted instead (probed like an API key).
  auth_mode: 'oauth2',
  fields: [
    {
      key: 'token',
      label: 'Access token',
      type: 'password',
      secret: true,
      required: false,
      placeholder: 'ya29.…',
      help: 'Filled by "Connect with Google". You may paste an OAuth access token you already have, but Google access tokens expire after an hour.',
    },
  ],
  config_fields: [
    {
      key: 'base_url',
      label: 'API base URL',
      type: 'url',
      required: false,
      placeholder: 'https://gmail.googleapis.com',
      help: 'Leave empty for Gmail. Set it only to point at a sandbox.',
    },
    {
      key: 'include_spam_trash',
      label: 'Include Spam and Trash',
      type: 'boolean',
      required: false,
      help: 'Also sync messages and threads in Spam and Trash. Off: a message moved there counts as deleted.',
    },
  ],
  auth: {
    headers: { Authorization: 'Bearer {{fields.token}}' },
    query: {},
  },
  verify: { method: 'GET', path: '/gmail/v1/users/me/profile', headers: {}, success_status: [200] },
  oauth: {
    authorization_url: 'https://accounts.google.com/o/oauth2/v2/auth',
    token_url: 'https://oauth2.googleapis.com/token',
    revocation_url: 'https://oauth2.googleapis.com/revoke',
    scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
    scope_separator: ' ',
    pkce: true,
    authorize_params: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
    token_auth: 'client_secret_post',
    token_field: 'token',
  },
  base_url: 'https://gmail.googleapis.com',
  allowed_hosts: ['gmail.googleapis.com'],
  default_headers: { Accept: 'application/json' },
  rate_limit: { requests_per_second: 40, burst: 20 },
  streams: [
    {
      name: 'messages',
      description: 'Every message of the mailbox (Spam and Trash only when configured), as metadata: headers, labels, snippet, size.',
      json_schema: messageSchema,
      primary_key: ['id'],
      cursor_field: 'historyId',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'threads',
      description: 'Conversations: id, snippet of the latest message and history id, as threads.list gives them (read in full each run).',
      json_schema: threadSchema,
      primary_key: ['id'],
      cursor_field: 'historyId',
      sync_modes: ['full_refresh'],
    },
  ],
};
