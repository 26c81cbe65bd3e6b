import { z } from 'zod';

/**
 * The canonical CRM model and the declarative field mappings that fill it from streams. One definition per
 * entity drives the database columns (src/db/queries/crm-entities.ts), the API bodies (contracts/api/crm.ts) and
 * mapping validation, so a field added here appears everywhere.
 */
export type CrmFieldType = 'text' | 'number' | 'integer' | 'timestamp' | 'json';

export const crmEntityTypes = ['companies', 'contacts', 'deals', 'engagements', 'invoices', 'activities'] as const;
export type CrmEntityType = (typeof crmEntityTypes)[number];
export const CrmEntityTypeSchema = z.enum(crmEntityTypes);

export interface CrmEntityDefinition {
  table: string;
  /** Id prefix: `co_…`, `ct_…`. */
  prefix: string;
  fields: Record<string, CrmFieldType>;
  /** The field that makes two records the same entity (normalized); none: records stay distinct. */
  mergeKey?: 'domain' | 'email';
  /** `company`: a `company_id` column, resolved from a mapped `company_domain`; `contact`: `contact_id` from `contact_email`. */
  links: readonly ('company' | 'contact')[];
}

export const crmEntities: Record<CrmEntityType, CrmEntityDefinition> = {
  companies: {
    table: 'crm_companies',
    prefix: 'co',
    mergeKey: 'domain',
    links: [],
    fields: { name: 'text', domain: 'text', company_type: 'text', website: 'text', phone: 'text', description: 'text' },
  },
  contacts: {
    table: 'crm_contacts',
    prefix: 'ct',
    mergeKey: 'email',
    links: ['company'],
    fields: {
      email: 'text',
      name: 'text',
      first_name: 'text',
      last_name: 'text',
      phone: 'text',
      title: 'text',
      portal_access: 'integer',
      portal_role: 'text',
      pipeline_stage: 'text',
    },
  },
  deals: {
    table: 'crm_deals',
    prefix: 'dl',
    links: ['company', 'contact'],
    fields: { name: 'text', stage: 'text', status: 'text', amount: 'number', currency: 'text', close_date: 'timestamp', description: 'text' },
  },
  engagements: {
    table: 'crm_engagements',
    prefix: 'en',
    links: ['company', 'contact'],
    fields: {
      name: 'text',
      engagement_type: 'text',
      status: 'text',
      start_date: 'timestamp',
      end_date: 'timestamp',
      amount: 'number',
      currency: 'text',
      description: 'text',
    },
  },
  invoices: {
    table: 'crm_invoices',
    prefix: 'inv',
    links: ['company', 'contact'],
    fields: {
      number: 'text',
      status: 'text',
      currency: 'text',
      total: 'number',
      amount_due: 'number',
      amount_paid: 'number',
      issued_at: 'timestamp',
      due_at: 'timestamp',
      paid_at: 'timestamp',
      description: 'text',
    },
  },
  activities: {
    table: 'crm_activities',
    prefix: 'act',
    links: ['company', 'contact'],
    fields: { activity_type: 'text', title: 'text', description: 'text', source: 'text', occurred_at: 'timestamp', metadata: 'json' },
  },
};

/** Mapped fields that are not columns of their own: they find the linked company (by domain) and contact (by email). */
export const linkKeyFields = { company: 'company_domain', contact: 'contact_email' } as const;

/** Every field a mapping may fill for an entity: its columns, its link keys, and `custom.<name>`. */
export function mappableFields(entity: CrmEntityType): string[] {
  const def = crmEntities[entity];
  return [...Object.keys(def.fields), ...def.links.map((l) => linkKeyFields[l])];
}

export const crmTransforms = [
  /** Lower-case text. */
  'lower',
  /** Upper-case text (currency codes). */
  'upper',
  'trim',
  /** The address of `Name <addr@host>` or of a bare address, lower-cased; null if there is none. */
  'email',
  /** The display name of `Name <addr@host>`. */
  'email_name',
  /** The domain of an email address, or null for free-mail providers (gmail.com…): they say nothing about a company. */
  'email_domain',
  /** A URL, host or domain, normalized: `https://www.Acme.com/x` → `acme.com`. */
  'domain',
  /** `acme-corp.com` → `Acme Corp`: a readable name for a company known only by its domain. */
  'domain_label',
  /** First word of a full name. */
  'first_name',
  /** Everything after the first word of a full name. */
  'last_name',
  /** Integer minor units → amount (`1999` → `19.99`). */
  'cents_to_amount',
  /** Unix seconds → ISO 8601. */
  'unix_to_timestamp',
  /** Epoch milliseconds (number or string) → ISO 8601. */
  'ms_to_timestamp',
  /** Any date or date-time string → ISO 8601. */
  'timestamp',
  'string',
  'number',
] as const;
export type CrmTransform = (typeof crmTransforms)[number];

const Path = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(\$|\$\.)?[^\s.]+(\.[^\s.]+)*$|^\$$/, 'a dot path such as customer.email, emails.0.value, or $.id for the record root inside `each`');
const Scalar = z.union([z.string().max(500), z.number(), z.boolean()]);

/** Apply a source or a mapping only to records where the value at `path` equals / contains a value (or not). */
export const CrmConditionSchema = z
  .object({
    path: Path,
    equals: Scalar.optional(),
    /** An array holding the value, or a string containing it. */
    contains: Scalar.optional(),
    /** Without equals/contains: the value is present and not empty. */
    not: z.boolean().optional(),
  })
  .strict();
export type CrmCondition = z.infer<typeof CrmConditionSchema>;

export const CrmValueSourceSchema = z.union([
  Path,
  z
    .object({
      path: Path.optional(),
      const: Scalar.optional(),
      transform: z.union([z.enum(crmTransforms), z.array(z.enum(crmTransforms)).min(1).max(5)]).optional(),
      when: CrmConditionSchema.optional(),
    })
    .strict()
    .refine((s) => (s.path === undefined) !== (s.const === undefined), { message: 'give either path or const' }),
]);
export type CrmValueSource = z.infer<typeof CrmValueSourceSchema>;

/** One source, or several: the first that gives a non-empty value wins. */
export const CrmFieldSourceSchema = z.union([CrmValueSourceSchema, z.array(CrmValueSourceSchema).min(1).max(10)]);
export type CrmFieldSource = z.infer<typeof CrmFieldSourceSchema>;

export const CrmMappingSchema = z
  .object({
    /** Unique within a connection's mappings: names where an entity came from, in its sources. */
    name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _'),
    stream: z.string().min(1).max(100),
    entity: CrmEntityTypeSchema,
    /** One entity per element of the array at this path (calendar attendees); paths (and `when`) are then relative to it, `$.` reaches the record. */
    each: Path.optional(),
    when: CrmConditionSchema.optional(),
    fields: z.record(z.string(), CrmFieldSourceSchema),
  })
  .strict()
  .superRefine((m, ctx) => {
    const allowed = new Set(mappableFields(m.entity));
    const names = Object.keys(m.fields);
    if (names.length === 0) ctx.addIssue({ code: 'custom', path: ['fields'], message: 'map at least one field' });
    for (const name of names) {
      if (allowed.has(name) || /^custom\.[A-Za-z0-9_]{1,63}$/.test(name)) continue;
      ctx.addIssue({ code: 'custom', path: ['fields', name], message: `${m.entity} has no field "${name}" (fields: ${[...allowed].join(', ')}, or custom.<name>)` });
    }
  });
export type CrmMapping = z.infer<typeof CrmMappingSchema>;
/**
 * What a connector folder declares: mappings written as data, checked by the catalog at start. Each maps one
 * stream's records to one canonical entity; a field's source is a path, `{ path, transform }`, `{ const }`, or a
 * list of them (the first non-empty wins).
 *
 * @example
 * ```ts
 * export const crmMapping: CrmMappingInput[] = [
 *   {
 *     name: 'pull_request_activity',
 *     stream: 'pull_requests',
 *     entity: 'activities',
 *     fields: {
 *       activity_type: { const: 'pull_request' },
 *       title: 'title',
 *       occurred_at: { path: 'created_at', transform: 'timestamp' },
 *       'custom.url': 'html_url',
 *     },
 *   },
 * ];
 * ```
 */
export type CrmMappingInput = z.input<typeof CrmMappingSchema>;

/**
 * The zod schema of a connection's (or a connector's default) mapping list: each mapping valid for its entity,
 * at most 100, names unique. The catalog checks every connector's `crm` with it.
 *
 * @example
 * ```ts
 * const mappings = CrmMappingListSchema.parse(slack.crm);
 * expect(mappings.map((m) => m.entity)).toContain('activities');
 * ```
 */
export const CrmMappingListSchema = z
  .array(CrmMappingSchema)
  .max(100)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((m, i) => {
      if (seen.has(m.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two mappings are named "${m.name}"` });
      seen.add(m.name);
    });
  });
