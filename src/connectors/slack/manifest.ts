import type { ManifestInput } from '../kit/index.js';
import { channelSchema, messageSchema, threadReplySchema, userSchema } from './schemas.js';

/**
 * The bot scopes the streams need: list public and private channels, read their history, list members. Thread
 * replies (conversations.replies) are read with the same history scopes: no scope of their own.
 */
export const slackBotScopes = ['channels:read', 'groups:read', 'channels:history', 'groups:history', 'users:read'];

/**
 * Slack through the Web API (https://slack.com/api/<method>) with a bot token (`xoxb-…`).
 *
 * OAuth v2: the authorize URL takes the bot scopes comma-separated; `oauth.v2.access` exchanges the code and
 * Slack recommends HTTP Basic for the client credentials. PKCE stays off: Slack supports it only for apps
 * switched to "public client" in their settings (a one-way switch meant for desktop and mobile apps), which a
 * server-side install does not need. Bot tokens do not expire unless the app turns token rotation on; then
 * `oauth.v2.access` also answers the refresh grant. `auth.revoke` revokes the token it is given.
 *
 * Every Web API answer is HTTP 200 with `{ ok: false, error }` on failure (a refused token is `invalid_auth`);
 * the streams turn those into errors of the right kind (see slack-api.ts). Rate limits are per method: Tier 2
 * (20+/min) for conversations.list and users.list, Tier 3 (50+/min) for conversations.history and
 * conversations.replies, answered with 429 and `Retry-After`, which the HTTP client honours. The pace below stays
 * under Tier 3 with a burst that covers a sync's list calls.
 */
export const manifest: ManifestInput = {
  id: 'slack',
  name: 'Slack',
  description: 'Channels, members, channel messages and thread replies from a Slack workspace, read by a bot.',
  category: 'communication',
  brand_logo: 'https://cdn.simpleicons.org/slack/4A154B',
  brand_color: '#4A154B',
  // Connected by OAuth; a token the user already has may be pasted instead (probed like an API key).
  auth_mode: 'oauth2',
  fields: [
    {
      key: 'token',
      label: 'Bot token',
      type: 'password',
      secret: true,
      required: false,
      placeholder: 'xoxb-…',
      help:
        'Leave empty to connect with OAuth. Or paste the "Bot User OAuth Token" of a Slack app installed in the workspace ' +
        '(OAuth & Permissions), with the scopes channels:read, groups:read, channels:history, groups:history and users:read.',
    },
  ],
  config_fields: [
    {
      key: 'base_url',
      label: 'API base URL',
      type: 'url',
      required: false,
      placeholder: 'https://slack.com/api',
      help: 'Leave empty for Slack. A sandbox: http://HOST:PORT/api',
    },
    {
      key: 'channels',
      label: 'Channels',
      type: 'string',
      required: false,
      placeholder: 'C0123ABCDEF, general',
      help: 'Comma-separated channel IDs or names whose messages are read. Empty: every channel the bot is a member of.',
    },
    {
      key: 'lookback_days',
      label: 'Edit look-back (days)',
      type: 'number',
      required: false,
      placeholder: '7',
      help:
        'An incremental read re-reads this many days before the newest message it has, to pick up edits, reactions and ' +
        'new thread replies (Slack keeps a message\'s ts when it is edited or replied to). Older changes arrive with the next ' +
        'full refresh. Default 7.',
      pattern: '^\\d{1,3}$',
    },
  ],
  auth: {
    headers: { Authorization: 'Bearer {{fields.token}}' },
    query: {},
  },
  // Slack refuses a token with HTTP 200 and `{ ok: false, error: 'invalid_auth' }`.
  verify: { method: 'GET', path: '/auth.test', headers: {}, success_status: [200], success_body: { path: 'ok', equals: true, message_path: 'error' } },
  oauth: {
    authorization_url: 'https://slack.com/oauth/v2/authorize',
    token_url: 'https://slack.com/api/oauth.v2.access',
    revocation_url: 'https://slack.com/api/auth.revoke',
    scopes: slackBotScopes,
    scope_separator: ',',
    pkce: false,
    authorize_params: {},
    token_auth: 'client_secret_basic',
    // An OAuth access token goes where a pasted bot token does: `Bearer {{fields.token}}`.
    token_field: 'token',
    // oauth.v2.access answers `token_type: "bot"` for a bot token.
    token_types: ['bot', 'user'],
  },
  base_url: 'https://slack.com/api',
  allowed_hosts: ['slack.com'],
  default_headers: {},
  rate_limit: { requests_per_second: 0.8, burst: 50 },
  streams: [
    {
      name: 'channels',
      description: 'Public channels, and the private channels the bot is a member of (conversations.list).',
      json_schema: channelSchema,
      primary_key: ['id'],
      sync_modes: ['full_refresh'],
    },
    {
      name: 'users',
      description: 'Members of the workspace, bots and deactivated accounts included (users.list).',
      json_schema: userSchema,
      primary_key: ['id'],
      cursor_field: 'updated',
      sync_modes: ['full_refresh'],
    },
    {
      name: 'messages',
      description: 'Top-level messages of every channel the bot is a member of (conversations.history), keyed by channel and ts.',
      json_schema: messageSchema,
      primary_key: ['channel_id', 'ts'],
      cursor_field: 'ts',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'threads',
      description:
        'Replies in the threads of those channels (conversations.replies), the parent message excluded, keyed by channel and ts. ' +
        'Incremental reads fetch only threads whose latest_reply moved, for parents inside the look-back window.',
      json_schema: threadReplySchema,
      primary_key: ['channel_id', 'ts'],
      cursor_field: 'ts',
      sync_modes: ['full_refresh', 'incremental'],
    },
  ],
};
