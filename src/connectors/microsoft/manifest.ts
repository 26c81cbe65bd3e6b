import type { ManifestInput } from '../kit/index.js';
import { eventSchema, messageSchema } from './schemas.js';

/**
 * Microsoft 365 and Outlook.com mailboxes through Microsoft Graph v1.0, authorized with the Microsoft identity
 * platform's v2.0 authorization code flow.
 *
 * OAuth: `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/{authorize,token}`; the tenant is a config value
 * (`common` for any work, school or personal account; `organizations`, `consumers`, a tenant domain or GUID to
 * restrict it). PKCE (S256) is supported and recommended; `offline_access` is what earns a refresh token; refresh
 * tokens rotate (each refresh returns a new one). There is no RFC 7009 revocation endpoint (a user revokes
 * consent in their account, an admin with `revokeSignInSessions`), so none is listed. Client secrets go in the
 * token request body (`client_secret_post`), as the v2.0 auth code flow page documents.
 *
 * The pasted `token` field is for a token obtained elsewhere (Graph Explorer, the Azure CLI): it expires
 * after about an hour and cannot be refreshed. Connecting through OAuth fills the same field and refreshes it.
 *
 * Limits: the Outlook service allows 10,000 requests per 10 minutes per app and mailbox, and 4 concurrent ones;
 * the client-side pace below stays under both, and 429s with `Retry-After` are honoured by the HTTP toolkit.
 */
export const manifest: ManifestInput = {
  id: 'microsoft',
  name: 'Microsoft 365',
  description: 'Calendar events and mail from Microsoft 365 or Outlook.com, kept in sync with Microsoft Graph delta queries.',
  category: 'productivity',
  brand_logo: 'https://cdn.simpleicons.org/microsoftoutlook/0078D4',
  brand_color: '#0078D4',
  // Connected by OAuth; a token the user already has may be pasted instead (probed like an API key).
  auth_mode: 'oauth2',
  fields: [
    {
      key: 'token',
      label: 'Access token',
      type: 'password',
      secret: true,
      required: false,
      placeholder: 'eyJ0eXAiOiJKV1Qi…',
      help: 'A Microsoft Graph access token with Calendars.Read and Mail.Read (it expires after about an hour). Prefer connecting with OAuth, which fills and refreshes it.',
    },
  ],
  config_fields: [
    {
      key: 'tenant',
      label: 'Tenant',
      type: 'string',
      required: true,
      placeholder: 'common',
      help: 'Where users sign in: common (any account), organizations (work or school only), consumers (personal only), or your tenant domain or ID.',
      pattern: '^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$',
    },
    {
      key: 'base_url',
      label: 'Graph base URL',
      type: 'url',
      required: false,
      placeholder: 'https://graph.microsoft.com/v1.0',
      help: 'Leave empty for the global service. National clouds: https://graph.microsoft.us/v1.0, https://dod-graph.microsoft.us/v1.0, https://microsoftgraph.chinacloudapi.cn/v1.0.',
    },
    {
      key: 'calendar_start',
      label: 'Calendar window start',
      type: 'string',
      required: false,
      placeholder: 'YYYY-MM-DD',
      help: 'First day of the calendar view that is synced. Empty: 365 days before today, moving forward with time.',
      pattern: '^\\s*\\d{4}-\\d{2}-\\d{2}\\s*$',
    },
    {
      key: 'calendar_end',
      label: 'Calendar window end',
      type: 'string',
      required: false,
      placeholder: 'YYYY-MM-DD',
      help: 'Day after the last day of the calendar view. Empty: 365 days after today, moving forward with time.',
      pattern: '^\\s*\\d{4}-\\d{2}-\\d{2}\\s*$',
    },
    {
      key: 'mail_folders',
      label: 'Mail folders',
      type: 'string',
      required: false,
      placeholder: 'inbox, sentitems',
      help: 'Comma-separated well-known folder names (inbox, sentitems, drafts, archive, deleteditems, junkemail) or folder ids. Empty: inbox.',
      pattern: '^\\s*[A-Za-z0-9_=-]+(\\s*,\\s*[A-Za-z0-9_=-]+)*\\s*,?\\s*$',
    },
  ],
  auth: {
    headers: { Authorization: 'Bearer {{fields.token}}' },
    query: {},
  },
  verify: { method: 'GET', path: '/me', headers: {}, success_status: [200] },
  oauth: {
    authorization_url: 'https://login.microsoftonline.com/{{config.tenant}}/oauth2/v2.0/authorize',
    token_url: 'https://login.microsoftonline.com/{{config.tenant}}/oauth2/v2.0/token',
    scopes: ['offline_access', 'User.Read', 'Calendars.Read', 'Mail.Read'],
    scope_separator: ' ',
    pkce: true,
    // The code comes back in the query string (the default for `code`, said explicitly as the docs recommend).
    authorize_params: { response_mode: 'query' },
    token_auth: 'client_secret_post',
    // An OAuth access token goes where a pasted one does: `Bearer {{fields.token}}`.
    token_field: 'token',
  },
  base_url: 'https://graph.microsoft.com/v1.0',
  allowed_hosts: ['graph.microsoft.com', 'login.microsoftonline.com'],
  default_headers: { Accept: 'application/json' },
  rate_limit: { requests_per_second: 10, burst: 4 },
  streams: [
    {
      name: 'events',
      description: "Events of the signed-in user's primary calendar within the calendar window (calendarView delta).",
      json_schema: eventSchema,
      primary_key: ['id'],
      cursor_field: 'lastModifiedDateTime',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'messages',
      description: 'Messages of the configured mail folders (per-folder messages delta).',
      json_schema: messageSchema,
      primary_key: ['id'],
      cursor_field: 'lastModifiedDateTime',
      sync_modes: ['full_refresh', 'incremental'],
    },
  ],
};
