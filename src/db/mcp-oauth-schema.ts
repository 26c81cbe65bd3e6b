/**
 * Tributary as the OAuth 2.1 authorization server for MCP clients (issue #15): its tables, beside schema.ts (drizzle
 * reads both; see drizzle.config.ts).
 */
import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { apiKeys, members, ts, workspaces } from './schema.js';

/**
 * MCP clients registered with Tributary's authorization server by RFC 7591 dynamic registration. Clients that
 * identify by a Client ID Metadata Document (an https client_id) are not stored: their document is fetched and
 * cached in memory (services/mcp-auth/client-metadata-documents.ts).
 */
export const mcpOauthClients = pgTable('mcp_oauth_clients', {
  id: text('id').primaryKey(),
  clientName: text('client_name'),
  redirectUris: jsonb('redirect_uris').$type<string[]>().notNull(),
  /** `none` (a public client, PKCE only), `client_secret_basic` or `client_secret_post`. */
  tokenEndpointAuthMethod: text('token_endpoint_auth_method').notNull(),
  /** SHA-256 of the client secret of a confidential client; null for a public one. */
  secretHash: text('secret_hash'),
  /** The registered metadata as answered to the client (no secret). */
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/**
 * One approval on the consent page: which client may act in which workspace, with which role ceiling, read-only
 * flag and products, for which resource (the /mcp audience). Signed in with an API key, the grant lives no longer
 * than that key. Revoking a grant (or reusing a rotated refresh token) kills every token issued under it.
 */
export const mcpOauthGrants = pgTable(
  'mcp_oauth_grants',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    apiKeyId: text('api_key_id').notNull().references(() => apiKeys.id, { onDelete: 'cascade' }),
    memberId: text('member_id'),
    role: text('role').notNull(),
    readOnly: boolean('read_only').notNull(),
    /** Product scope; null means every product the signing-in key may see. */
    products: jsonb('products').$type<string[] | null>(),
    resource: text('resource').notNull(),
    scope: text('scope').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('mcp_oauth_grants_workspace').on(t.workspaceId, t.createdAt)],
);

/** Authorization codes (hashed), single use, bound to their grant's client, redirect URI and PKCE challenge. */
export const mcpOauthCodes = pgTable(
  'mcp_oauth_codes',
  {
    hash: text('hash').primaryKey(),
    grantId: text('grant_id').notNull().references(() => mcpOauthGrants.id, { onDelete: 'cascade' }),
    redirectUri: text('redirect_uri').notNull(),
    codeChallenge: text('code_challenge').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('mcp_oauth_codes_expiry').on(t.expiresAt)],
);

/** Access and refresh tokens (hashed). A refresh token is rotated: `rotated_at` set once it has been used. */
export const mcpOauthTokens = pgTable(
  'mcp_oauth_tokens',
  {
    id: text('id').primaryKey(),
    hash: text('hash').notNull().unique(),
    grantId: text('grant_id').notNull().references(() => mcpOauthGrants.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    expiresAt: ts('expires_at').notNull(),
    rotatedAt: ts('rotated_at'),
    revokedAt: ts('revoked_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('mcp_oauth_tokens_grant').on(t.grantId), index('mcp_oauth_tokens_expiry').on(t.expiresAt), check('mcp_oauth_tokens_kind_check', sql`kind in ('access', 'refresh')`)],
);
