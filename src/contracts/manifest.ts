import { z } from 'zod';
import { HostPatternSchema } from './host-pattern.js';

/**
 * A connector manifest: everything the catalog, the install form, the verify probe, the OAuth flow and the
 * engine need to know about a provider, as data. Checked by this schema when the catalog loads.
 *
 * Templates: strings in `auth.headers`, `verify` and `oauth` may reference `{{fields.<key>}}` (a credential or
 * form field) and `{{config.<key>}}` (a connection config value); they are resolved at call time, never logged.
 * An OAuth connection's access token is `{{fields.access_token}}`, and also fills the field `oauth.token_field`.
 *
 * Auth modes, and the catalog reference's names for them: `api_key` (reference: `pat`), `conn_string`,
 * `oauth2` (reference: `byo_oauth`; the OAuth app is the operator's, from the environment, or the user's own
 * client id and secret), `mcp_oauth` (OAuth 2.1 with dynamic client registration against a remote MCP server)
 * and `none`. Any connector with an `oauth` block can also be connected through OAuth, whatever its auth_mode.
 */
export const authModes = ['api_key', 'conn_string', 'oauth2', 'mcp_oauth', 'none'] as const;
export const AuthModeSchema = z.enum(authModes);
export type AuthMode = z.infer<typeof AuthModeSchema>;

export const syncModes = ['full_refresh', 'incremental'] as const;
export const SyncModeSchema = z.enum(syncModes);
/**
 * How a stream is read: `full_refresh` reads everything (rows not seen are soft-deleted at the end), `incremental`
 * reads on from the last committed state. A manifest stream lists the modes it supports; `StreamContext.mode`
 * says which one this read uses.
 *
 * @example
 * ```ts
 * const since = ctx.mode === 'incremental' ? cursorOf(ctx.state) : null;
 * ```
 */
export type SyncMode = z.infer<typeof SyncModeSchema>;

export const FieldSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/),
  label: z.string().min(1),
  /** `conn_string`: a database URI (`postgres://…`); its host goes through the SSRF guard like a base URL. */
  type: z.enum(['string', 'password', 'url', 'email', 'number', 'boolean', 'conn_string']).default('string'),
  secret: z.boolean().default(false),
  required: z.boolean().default(true),
  placeholder: z.string().optional(),
  help: z.string().optional(),
  pattern: z.string().optional(),
});
export type Field = z.infer<typeof FieldSchema>;

export const HttpProbeSchema = z.object({
  method: z.enum(['GET', 'POST', 'HEAD']).default('GET'),
  /** Path relative to the connection's base URL, or an absolute URL template. */
  path: z.string().min(1),
  headers: z.record(z.string(), z.string()).default({}),
  /** Statuses that mean the credentials work; anything else is `{ ok: false }`. */
  success_status: z.array(z.number().int()).default([200]),
  /**
   * For APIs that refuse with a success status (Slack: HTTP 200 `{ ok: false, error: 'invalid_auth' }`): the JSON
   * field at `path` must equal `equals`, else the probe fails with the field at `message_path` as its message.
   */
  success_body: z.object({ path: z.string().min(1), equals: z.unknown(), message_path: z.string().optional() }).optional(),
});
export type HttpProbe = z.infer<typeof HttpProbeSchema>;

export const OAuthBlockSchema = z.object({
  authorization_url: z.string().min(1),
  token_url: z.string().min(1),
  revocation_url: z.string().optional(),
  scopes: z.array(z.string()).default([]),
  scope_separator: z.string().default(' '),
  pkce: z.boolean().default(true),
  /** Extra query parameters on the authorize URL (e.g. Google's `access_type=offline`). */
  authorize_params: z.record(z.string(), z.string()).default({}),
  /** How the client authenticates at the token endpoint. */
  token_auth: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_post'),
  /**
   * The authorization server's issuer identifier, when it has one. With it, the callback's `iss` (RFC 9207) and
   * ID tokens are checked against it; required when `scopes` asks for `openid` (an ID token is then validated).
   */
  issuer: z.string().optional(),
  /**
   * The credential field the access token fills in `auth` templates. GitHub's header is `Bearer {{fields.token}}`
   * for a pasted token; with `token_field: 'token'` the same header carries an OAuth access token. The token is
   * also always available as `{{fields.access_token}}`.
   */
  token_field: z.string().regex(/^[a-z][a-z0-9_]*$/).default('access_token'),
  /**
   * Headers for a connection that holds OAuth tokens, instead of `auth.headers` and `auth.basic` (Jira: Basic
   * with an API token, Bearer with an OAuth token). Absent: `auth` applies either way.
   */
  auth_headers: z.record(z.string(), z.string()).optional(),
  /** `token_type` values besides Bearer the token endpoint answers with (Slack: `bot`, `user`); used as bearer tokens. */
  token_types: z.array(z.string().regex(/^[a-z][a-z0-9_-]*$/)).default([]),
});
export type OAuthBlock = z.infer<typeof OAuthBlockSchema>;

export const AuthInjectionSchema = z.object({
  /** Headers added to every request; values are templates, e.g. `Bearer {{fields.token}}`. */
  headers: z.record(z.string(), z.string()).default({}),
  query: z.record(z.string(), z.string()).default({}),
  /** HTTP Basic from two templates, e.g. Jira's `{{fields.email}}` and `{{fields.api_token}}`. */
  basic: z.object({ username: z.string(), password: z.string() }).optional(),
});
export type AuthInjection = z.infer<typeof AuthInjectionSchema>;

export const StreamManifestSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  description: z.string().default(''),
  /** JSON Schema of one record. */
  json_schema: z.record(z.string(), z.unknown()),
  /** Field paths forming the source primary key (joined with `:` when there are several). */
  primary_key: z.array(z.string()).min(1),
  cursor_field: z.string().optional(),
  sync_modes: z.array(SyncModeSchema).min(1),
});
export type StreamManifest = z.infer<typeof StreamManifestSchema>;

/**
 * The zod schema of a connector manifest (see the file's header for templates and auth modes). The catalog
 * parses every connector's manifest with it at start; tests parse one to reach its defaults.
 *
 * @example
 * ```ts
 * const parsed = ManifestSchema.parse(github.manifest);
 * const issues = parsed.streams.find((s) => s.name === 'issues');
 * ```
 */
export const ManifestSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: z.string().min(1),
  description: z.string().min(1),
  category: z.string().min(1),
  brand_logo: z.string().min(1),
  brand_color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  auth_mode: AuthModeSchema,
  /** Credential and form fields collected at install; `secret` ones go to the vault only. */
  fields: z.array(FieldSchema).default([]),
  /** Connection config the user may set (e.g. `base_url` for an enterprise host or a sandbox). */
  config_fields: z.array(FieldSchema).default([]),
  auth: AuthInjectionSchema.default({ headers: {}, query: {} }),
  verify: HttpProbeSchema.optional(),
  oauth: OAuthBlockSchema.optional(),
  base_url: z.string().url(),
  /**
   * Where this connector's credentials may be sent (`src/contracts/host-pattern.ts`): exact hosts, `*.example.com`
   * (one label), or placeholders such as `{subdomain}.zendesk.com`. The hosts of `base_url` and of the fixed OAuth
   * URLs count as listed. Anything else needs the operator's TRIBUTARY_ALLOWED_HOSTS.
   */
  allowed_hosts: z.array(HostPatternSchema).min(1),
  default_headers: z.record(z.string(), z.string()).default({}),
  /** Client-side pace per connection, below the provider's documented limit; retries still honour its headers. */
  rate_limit: z.object({ requests_per_second: z.number().positive(), burst: z.number().int().positive().default(10) }).optional(),
  streams: z.array(StreamManifestSchema).min(1),
});
export type Manifest = z.infer<typeof ManifestSchema>;
/**
 * A manifest as a connector writes it (defaults may be left out): the type of `manifest.ts`'s export.
 *
 * @example
 * ```ts
 * export const manifest: ManifestInput = {
 *   id: 'github',
 *   name: 'GitHub',
 *   description: 'Repositories, issues and pull requests from GitHub or GitHub Enterprise Server.',
 *   category: 'developer-tools',
 *   brand_logo: 'https://cdn.simpleicons.org/github/181717',
 *   brand_color: '#181717',
 *   auth_mode: 'api_key',
 *   fields: [{ key: 'token', label: 'Personal access token', type: 'password', secret: true }],
 *   auth: { headers: { Authorization: 'Bearer {{fields.token}}' } },
 *   base_url: 'https://api.github.com',
 *   allowed_hosts: ['api.github.com'],
 *   streams: [{ name: 'issues', json_schema: issueSchema, primary_key: ['id'], cursor_field: 'updated_at', sync_modes: ['full_refresh', 'incremental'] }],
 * };
 * ```
 */
export type ManifestInput = z.input<typeof ManifestSchema>;

/** The catalog list item: the manifest's identity without its schema-driven parts. */
export const ConnectorSummarySchema = ManifestSchema.pick({
  id: true,
  name: true,
  description: true,
  category: true,
  auth_mode: true,
  brand_logo: true,
  brand_color: true,
});
export type ConnectorSummary = z.infer<typeof ConnectorSummarySchema>;
