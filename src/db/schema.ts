import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { connectionStatuses } from '../contracts/api/connections.js';
import { syncModes } from '../contracts/manifest.js';
import { quoteLiteral } from './identifiers.js';

/**
 * Tributary's own tables. They are unqualified on purpose: the connection's `search_path` picks the schema
 * (`tributary` by default, one schema per test file), so the same migrations serve every deployment.
 * Each stream's records live in tables created at run time in the workspace's own schema (see records-table).
 */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The values a status column may hold, each list enforced by a CHECK constraint on a text column. Checks rather
 * than pg enums: a new value is a generated drop-and-add of the constraint, where an enum needs `ALTER TYPE … ADD
 * VALUE`, which PostgreSQL will not let a migration's transaction use right away. Adding a value: extend the list
 * (here or in contracts), then `npx drizzle-kit generate --name <why>`.
 */
export const runStatuses = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
/** A stream of a run: a run's statuses, plus SKIPPED for a requested stream the run ended before reaching. */
export const runStreamStatuses = [...runStatuses, 'SKIPPED'] as const;
/** How the connection's last run ended (null before its first). */
export const lastSyncStatuses = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;

/** `column in ('a', 'b', …)`: the values are constants of ours, written as literals (DDL takes no parameters). */
const oneOf = (column: string, values: readonly string[]) => sql.raw(`${column} in (${values.map(quoteLiteral).join(', ')})`);

export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** The Postgres schema holding this workspace's record tables. */
  dataSchema: text('data_schema').notNull().unique(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const members = pgTable(
  'members',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name'),
    role: text('role').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('members_workspace_email').on(t.workspaceId, t.email)],
);

export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  workspaceId: text('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: text('member_id').references(() => members.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  /** The first characters of the key, shown in listings so users can tell keys apart. */
  prefix: text('prefix').notNull(),
  /** SHA-256 of the whole key: keys are long random strings, so a slow hash adds nothing. */
  hash: text('hash').notNull().unique(),
  role: text('role').notNull(),
  /** A read-only key calls nothing that changes data (src/api/refuse-read-only-writes.ts; MCP hides mutating tools). */
  readOnly: boolean('read_only').notNull().default(false),
  /** The products whose CRM rows and connections the key may see and write; null: every product. */
  products: text('products').array(),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
});

export const crews = pgTable('crews', {
  id: text('id').primaryKey(),
  workspaceId: text('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const connections = pgTable(
  'connections',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    crewId: text('crew_id').references(() => crews.id, { onDelete: 'set null' }),
    connectorId: text('connector_id').notNull(),
    name: text('name').notNull(),
    status: text('status').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    /** Vault ciphertext of the credential fields (and OAuth tokens); its key id is inside it. */
    credentials: text('credentials'),
    credentialsKeyId: text('credentials_key_id'),
    product: text('product'),
    companyId: text('company_id'),
    schedule: jsonb('schedule').$type<Record<string, unknown> | null>(),
    nextSyncAt: ts('next_sync_at'),
    notifyUserIds: jsonb('notify_user_ids').$type<string[]>().notNull().default([]),
    /** The webhook trigger token: its hash finds the connection; the vault copy lets an admin reveal the URL. */
    webhookTokenHash: text('webhook_token_hash').unique(),
    webhookToken: text('webhook_token'),
    /**
     * After a rotation, the replaced token's hash keeps triggering until `previous_webhook_token_expires_at` (the
     * grace period), so senders can move to the new URL. Only the hash: the old URL is never revealed again.
     */
    previousWebhookTokenHash: text('previous_webhook_token_hash').unique(),
    previousWebhookTokenExpiresAt: ts('previous_webhook_token_expires_at'),
    variantGroupId: text('variant_group_id'),
    variantLabel: text('variant_label'),
    lastSyncAt: ts('last_sync_at'),
    lastSyncStatus: text('last_sync_status'),
    lastSyncError: text('last_sync_error'),
    lastRunId: text('last_run_id'),
    lastCheckAt: ts('last_check_at'),
    lastCheckOk: boolean('last_check_ok'),
    lastCheckMessage: text('last_check_message'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('connections_workspace').on(t.workspaceId, t.createdAt),
    index('connections_due').on(t.nextSyncAt).where(sql`next_sync_at is not null`),
    check('connections_status_check', oneOf('status', connectionStatuses)),
    check('connections_last_sync_status_check', oneOf('last_sync_status', lastSyncStatuses)),
  ],
);

export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    connectionId: text('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    trigger: text('trigger').notNull(),
    mode: text('mode').notNull(),
    status: text('status').notNull(),
    streams: jsonb('streams').$type<string[]>().notNull(),
    error: text('error'),
    errorKind: text('error_kind'),
    attempts: integer('attempts').notNull().default(0),
    cancelRequestedAt: ts('cancel_requested_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
    /** Last sign of life from the worker running it. */
    heartbeatAt: ts('heartbeat_at'),
  },
  (t) => [
    index('runs_connection').on(t.connectionId, t.createdAt),
    // The database itself refuses a second active run for a connection, whatever the number of workers.
    uniqueIndex('runs_one_active_per_connection')
      .on(t.connectionId)
      .where(sql`status in ('PENDING', 'RUNNING')`),
    check('runs_status_check', oneOf('status', runStatuses)),
    check('runs_mode_check', oneOf('mode', syncModes)),
  ],
);

export const runStreams = pgTable(
  'run_streams',
  {
    runId: text('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    stream: text('stream').notNull(),
    status: text('status').notNull(),
    created: bigint('created', { mode: 'number' }).notNull().default(0),
    updated: bigint('updated', { mode: 'number' }).notNull().default(0),
    unchanged: bigint('unchanged', { mode: 'number' }).notNull().default(0),
    deleted: bigint('deleted', { mode: 'number' }).notNull().default(0),
    failed: bigint('failed', { mode: 'number' }).notNull().default(0),
    error: text('error'),
    /** The stream's checkpoint within this run: a retried run resumes from it (a full refresh too). */
    state: jsonb('state').$type<Record<string, unknown> | null>(),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stream] }), check('run_streams_status_check', oneOf('status', runStreamStatuses))],
);

export const runLogs = pgTable(
  'run_logs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: text('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    at: ts('at').notNull().defaultNow(),
    level: text('level').notNull(),
    message: text('message').notNull(),
    data: jsonb('data').$type<Record<string, unknown> | null>(),
  },
  (t) => [index('run_logs_run').on(t.runId, t.id)],
);

export const streamStates = pgTable(
  'stream_states',
  {
    connectionId: text('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    stream: text('stream').notNull(),
    state: jsonb('state').$type<Record<string, unknown>>().notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.stream] })],
);

/**
 * Ids a full refresh has seen so far, per run and stream: the ids of one committed batch as one array row, written
 * in the batch's own statement, so it survives a crash mid-run like everything else in the batch. At the end of a
 * successful full refresh, rows not listed here are soft-deleted; one narrow insert per batch is much cheaper than
 * touching every unchanged record row (or one index entry per id, as `seen_records` did until migration 0005).
 */
export const seenBatches = pgTable(
  'seen_batches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: text('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    stream: text('stream').notNull(),
    ids: text('ids').array().notNull(),
  },
  (t) => [index('seen_batches_run').on(t.runId, t.stream)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    actorKeyId: text('actor_key_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    data: jsonb('data').$type<Record<string, unknown> | null>(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_workspace').on(t.workspaceId, t.at)],
);

/**
 * One row per OAuth authorization started: the `state` sent to the provider names this row (and is signed), so
 * the callback can find what it needs without trusting anything else in the redirect. Single use: `used_at`
 * is set by an atomic update when the callback or a pasted code consumes it; expired rows are swept.
 */
export const oauthStates = pgTable(
  'oauth_states',
  {
    /** The random nonce inside the signed state. */
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    connectionId: text('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    /** Vault ciphertext of the PKCE code verifier; null when the provider cannot do PKCE. */
    codeVerifier: text('code_verifier'),
    /** The redirect_uri sent with the authorization request; the token request must repeat it exactly. */
    redirectUri: text('redirect_uri').notNull(),
    /** Where the browser goes after the callback (checked against the allowlist when the flow started). */
    returnUrl: text('return_url'),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('oauth_states_connection').on(t.connectionId, t.createdAt), index('oauth_states_expiry').on(t.expiresAt)],
);

/**
 * The canonical CRM model (src/contracts/crm.ts defines its fields; the columns here must match). Every entity is
 * scoped to a workspace and tagged with `product`; rows filled from streams keep where they came from in
 * `crm_sources`. `company_domain` / `contact_email` are the link keys a mapping gave, from which `company_id` /
 * `contact_id` are resolved whenever the company or contact exists (now or later). `edited_fields` lists what
 * the API changed: syncs no longer overwrite those. Deletes are soft.
 */
const crmBase = () => ({
  id: text('id').primaryKey(),
  workspaceId: text('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  product: text('product'),
  custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default({}),
  editedFields: jsonb('edited_fields').$type<string[]>().notNull().default([]),
  /** `api` or `sync`: an entity created through the API stays when its synced sources go away. */
  createdVia: text('created_via').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  deletedAt: ts('deleted_at'),
});
const money = (name: string) => numeric(name, { mode: 'number' });
const crmLinks = () => ({
  companyId: text('company_id'),
  contactId: text('contact_id'),
  companyDomain: text('company_domain'),
  contactEmail: text('contact_email'),
});
const productKey = sql`coalesce(product, '')`;

export const crmCompanies = pgTable(
  'crm_companies',
  {
    ...crmBase(),
    name: text('name'),
    domain: text('domain'),
    companyType: text('company_type'),
    website: text('website'),
    phone: text('phone'),
    description: text('description'),
  },
  (t) => [
    uniqueIndex('crm_companies_domain').on(t.workspaceId, productKey, t.domain).where(sql`domain is not null`),
    index('crm_companies_list').on(t.workspaceId, t.createdAt),
  ],
);

export const crmContacts = pgTable(
  'crm_contacts',
  {
    ...crmBase(),
    companyId: text('company_id'),
    companyDomain: text('company_domain'),
    email: text('email'),
    name: text('name'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    phone: text('phone'),
    title: text('title'),
    portalAccess: integer('portal_access'),
    portalRole: text('portal_role'),
    pipelineStage: text('pipeline_stage'),
  },
  (t) => [
    uniqueIndex('crm_contacts_email').on(t.workspaceId, productKey, t.email).where(sql`email is not null`),
    index('crm_contacts_list').on(t.workspaceId, t.createdAt),
    index('crm_contacts_company').on(t.companyId),
    index('crm_contacts_company_domain').on(t.workspaceId, t.companyDomain),
  ],
);

export const crmDeals = pgTable(
  'crm_deals',
  {
    ...crmBase(),
    ...crmLinks(),
    name: text('name'),
    stage: text('stage'),
    status: text('status'),
    amount: money('amount'),
    currency: text('currency'),
    closeDate: ts('close_date'),
    description: text('description'),
  },
  (t) => [
    index('crm_deals_list').on(t.workspaceId, t.createdAt),
    index('crm_deals_company').on(t.companyId),
    index('crm_deals_contact').on(t.contactId),
    index('crm_deals_company_domain').on(t.workspaceId, t.companyDomain),
    index('crm_deals_contact_email').on(t.workspaceId, t.contactEmail),
  ],
);

export const crmEngagements = pgTable(
  'crm_engagements',
  {
    ...crmBase(),
    ...crmLinks(),
    name: text('name'),
    engagementType: text('engagement_type'),
    status: text('status'),
    startDate: ts('start_date'),
    endDate: ts('end_date'),
    amount: money('amount'),
    currency: text('currency'),
    description: text('description'),
  },
  (t) => [
    index('crm_engagements_list').on(t.workspaceId, t.createdAt),
    index('crm_engagements_company').on(t.companyId),
    index('crm_engagements_contact').on(t.contactId),
    index('crm_engagements_company_domain').on(t.workspaceId, t.companyDomain),
    index('crm_engagements_contact_email').on(t.workspaceId, t.contactEmail),
  ],
);

export const crmInvoices = pgTable(
  'crm_invoices',
  {
    ...crmBase(),
    ...crmLinks(),
    number: text('number'),
    status: text('status'),
    currency: text('currency'),
    total: money('total'),
    amountDue: money('amount_due'),
    amountPaid: money('amount_paid'),
    issuedAt: ts('issued_at'),
    dueAt: ts('due_at'),
    paidAt: ts('paid_at'),
    description: text('description'),
  },
  (t) => [
    index('crm_invoices_list').on(t.workspaceId, t.createdAt),
    index('crm_invoices_company').on(t.companyId),
    index('crm_invoices_contact').on(t.contactId),
    index('crm_invoices_company_domain').on(t.workspaceId, t.companyDomain),
    index('crm_invoices_contact_email').on(t.workspaceId, t.contactEmail),
  ],
);

export const crmActivities = pgTable(
  'crm_activities',
  {
    ...crmBase(),
    ...crmLinks(),
    activityType: text('activity_type'),
    title: text('title'),
    description: text('description'),
    source: text('source'),
    occurredAt: ts('occurred_at'),
    metadata: jsonb('metadata'),
  },
  (t) => [
    index('crm_activities_list').on(t.workspaceId, t.createdAt),
    index('crm_activities_company').on(t.companyId),
    index('crm_activities_contact').on(t.contactId),
    index('crm_activities_company_domain').on(t.workspaceId, t.companyDomain),
    index('crm_activities_contact_email').on(t.workspaceId, t.contactEmail),
  ],
);

/**
 * Provenance: which source record (connection, stream, record id) gave which entity, through which mapping
 * (`source_key`: the mapping's name, `#n` for an `each` element), with the fields it contributed. An entity
 * merged from several records has several rows. `seen_token` marks the projection pass that last produced the
 * row: a pass removes the rows of the records it read that it did not produce again.
 */
export const crmSources = pgTable(
  'crm_sources',
  {
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    connectionId: text('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    stream: text('stream').notNull(),
    recordId: text('record_id').notNull(),
    sourceKey: text('source_key').notNull(),
    fields: jsonb('fields').$type<Record<string, unknown>>().notNull(),
    seenToken: text('seen_token').notNull(),
    firstSeenAt: ts('first_seen_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.stream, t.recordId, t.entityType, t.sourceKey] }),
    index('crm_sources_entity').on(t.entityType, t.entityId),
  ],
);

/** A connection's own CRM mappings, replacing its connector's defaults (absent: the defaults apply). */
export const crmFieldMappings = pgTable('crm_field_mappings', {
  connectionId: text('connection_id')
    .primaryKey()
    .references(() => connections.id, { onDelete: 'cascade' }),
  workspaceId: text('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  mappings: jsonb('mappings').$type<unknown[]>().notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** How far the CRM projection has read each stream of a connection: the last `change_seq` it applied. */
export const crmWatermarks = pgTable(
  'crm_watermarks',
  {
    connectionId: text('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    stream: text('stream').notNull(),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.stream] })],
);
