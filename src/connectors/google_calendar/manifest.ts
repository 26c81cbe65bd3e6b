import type { ManifestInput } from '../kit/index.js';
import { calendarSchema, eventSchema } from './schemas.js';

/**
 * Google Calendar through the Calendar API v3 (https://www.googleapis.com/calendar/v3/…), read-only.
 *
 * OAuth: Google's web-server flow. `access_type=offline` makes Google issue a refresh token (access tokens
 * last an hour), and `prompt=consent` makes it issue one again when the user had already granted the app.
 * Google supports PKCE (S256) and RFC 7009 revocation. `openid` is not asked for: nothing needs an ID token.
 * Scope `calendar.readonly`: the calendar list and every event on it, nothing writable.
 *
 * Quota: Google's default is 600 queries a minute per user (10 a second) and 10,000 a minute per project;
 * 5 a second keeps one connection well inside the per-user share.
 */
export const manifest: ManifestInput = {
  id: 'google_calendar',
  name: 'Google Calendar',
  description: 'Calendars and events (with attendees, times and recurrence) of a Google Calendar or Google Workspace account.',
  category: 'productivity',
  brand_logo: 'https://cdn.simpleicons.org/googlecalendar/4285F4',
  brand_color: '#4285F4',
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
      placeholder: 'https://www.googleapis.com',
      help: 'Leave empty for Google. Set it only to point at a sandbox.',
    },
    {
      key: 'calendars',
      label: 'Calendars',
      type: 'string',
      required: false,
      placeholder: 'primary, c_abc123@group.calendar.google.com',
      help: 'Comma-separated calendar ids ("primary" for your own). Empty: every calendar on your calendar list, hidden ones included.',
    },
  ],
  auth: {
    headers: { Authorization: 'Bearer {{fields.token}}' },
    query: {},
  },
  verify: { method: 'GET', path: '/calendar/v3/users/me/calendarList?maxResults=1', headers: {}, success_status: [200] },
  oauth: {
    authorization_url: 'https://accounts.google.com/o/oauth2/v2/auth',
    token_url: 'https://oauth2.googleapis.com/token',
    revocation_url: 'https://oauth2.googleapis.com/revoke',
    scopes: ['https://www.googleapis.com/auth/calendar.readonly'],
    scope_separator: ' ',
    pkce: true,
    authorize_params: { access_type: 'offline', prompt: 'consent' },
    token_auth: 'client_secret_post',
    // An OAuth access token goes where a pasted one does. Not `access_token`: without OAuth tokens the engine
    // sets `fields.access_token` to '' (src/services/credentials/connection-http.ts), which would blank a pasted token.
    token_field: 'token',
  },
  base_url: 'https://www.googleapis.com',
  allowed_hosts: ['www.googleapis.com'],
  default_headers: { Accept: 'application/json' },
  rate_limit: { requests_per_second: 5, burst: 10 },
  streams: [
    {
      name: 'calendars',
      description: 'The calendars on the user\'s calendar list (or the configured ones), with the user\'s access role and colours.',
      json_schema: calendarSchema,
      primary_key: ['id'],
      sync_modes: ['full_refresh'],
    },
    {
      name: 'events',
      description: 'Events of every calendar read, keyed by calendar and event id. Incremental by Google sync tokens; deleted events arrive as deletions.',
      json_schema: eventSchema,
      primary_key: ['calendar_id', 'id'],
      cursor_field: 'updated',
      sync_modes: ['full_refresh', 'incremental'],
    },
  ],
};
