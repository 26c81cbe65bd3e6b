/**
 * JSON Schemas of the records, after the list items of Deel's REST API v2 (`GET /people`, `GET /contracts`) as
 * Deel's published OpenAPI document describes them. Deel marks most fields nullable and adds fields over time,
 * so only the identity and cursor fields are required and `additionalProperties` stays open.
 */
type Schema = Record<string, unknown>;

const string: Schema = { type: 'string' };
const integer: Schema = { type: 'integer' };
const number: Schema = { type: 'number' };
const boolean: Schema = { type: 'boolean' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
/** A calendar date; Deel prints `start_date` as `YYYY-MM-DD`. */
const date: Schema = { type: 'string', format: 'date' };

/** Also admits null; an `enum` must list null too, or a null value would still fail it. */
const nullable = (schema: Schema): Schema => ({
  ...schema,
  type: [...(Array.isArray(schema['type']) ? (schema['type'] as string[]) : [schema['type'] as string]), 'null'],
  ...(Array.isArray(schema['enum']) ? { enum: [...(schema['enum'] as unknown[]), null] } : {}),
});
const object = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: true,
});
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });

const idName = object({ id: nullable(string), name: nullable(string) });
const personRef = object({ id: string, first_name: nullable(string), last_name: nullable(string), work_email: nullable(string) });

const employment = object({
  id: string,
  name: nullable(string),
  team: nullable(idName),
  email: nullable(string),
  state: nullable(string),
  country: nullable(string),
  payment: nullable(object({ rate: nullable(number), scale: nullable(string), currency: nullable(string), contract_name: nullable(string) })),
  is_ended: boolean,
  timezone: nullable(string),
  job_title: nullable(string),
  seniority: nullable(string),
  start_date: nullable(string),
  work_email: nullable(string),
  hiring_type: nullable(string),
  hiring_status: nullable(string),
  completion_date: nullable(string),
  contract_status: nullable(string),
  new_hiring_status: nullable(string),
  client_legal_entity: nullable(idName),
  contract_is_archived: boolean,
  contract_has_contractor: boolean,
  is_user_contract_deleted: boolean,
});

export const personSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Deel person',
  ...object(
    {
      id: { type: 'string', description: 'The HRIS profile id (UUID).' },
      // Deel's older OpenAPI document types worker_id as a number, the current one as a string.
      worker_id: { type: ['string', 'integer', 'null'] },
      external_id: nullable(string),
      first_name: nullable(string),
      last_name: nullable(string),
      full_name: nullable(string),
      preferred_first_name: nullable(string),
      preferred_last_name: nullable(string),
      emails: nullable(arrayOf(object({ type: string, value: nullable(string) }))),
      birth_date: nullable(string),
      country: nullable(string),
      state: nullable(string),
      timezone: nullable(string),
      nationalities: nullable(arrayOf(string)),
      addresses: nullable(arrayOf(object({ region: nullable(string), country: nullable(string), locality: nullable(string), postalCode: nullable(string), streetAddress: nullable(string) }))),
      job_title: nullable(string),
      seniority: nullable(string),
      hiring_type: nullable(string),
      hiring_status: nullable(string),
      new_hiring_status: nullable(string),
      start_date: nullable(date),
      completion_date: nullable(string),
      work_location: nullable(string),
      is_pwac: boolean,
      department: nullable(object({ id: nullable(string), name: nullable(string), parent: nullable(string) })),
      client_legal_entity: nullable(idName),
      direct_manager: nullable(personRef),
      direct_reports: nullable(arrayOf(personRef)),
      direct_reports_count: nullable(integer),
      employments: nullable(arrayOf(employment)),
      created_at: nullable(dateTime),
      updated_at: nullable(dateTime),
    },
    ['id'],
  ),
};

/** `types` and `statuses` as `GET /contracts` documents them (2026-01 reference). */
export const contractTypes = [
  'ongoing_time_based',
  'milestones',
  'time_based',
  'pay_as_you_go_time_based',
  'commission',
  'payg_milestones',
  'payg_tasks',
  'eor',
  'unknown',
  'peo',
  'employee',
  'global_payroll',
  'shield_msa',
  'hris_direct_employee',
  'contractor_outside_deel',
] as const;

export const contractStatuses = [
  'new',
  'under_review',
  'waiting_for_approval',
  'waiting_for_employee_contract',
  'waiting_for_client_sign',
  'processing_payment',
  'waiting_for_contractor_sign',
  'waiting_for_eor_sign',
  'waiting_for_employee_sign',
  'waiting_for_hris_employee_sign',
  'awaiting_deposit_payment',
  'in_progress',
  'completed',
  'cancelled',
  'user_cancelled',
  'rejected',
  'waiting_for_client_payment',
  'onboarding',
  'onboarded',
] as const;

export const contractSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Deel contract',
  ...object(
    {
      id: { type: 'string', description: 'The contract id.' },
      title: string,
      // Deel adds contract types and statuses over time; an unknown one must not fail the record.
      type: { type: 'string', examples: [...contractTypes] },
      status: { type: 'string', examples: [...contractStatuses] },
      scale: nullable(string),
      client: object({ team: nullable(object({ id: string, name: nullable(string) })) }),
      worker: nullable(
        object({
          id: string,
          email: nullable(string),
          image: nullable(string),
          full_name: nullable(string),
          alternate_email: arrayOf(object({ email: nullable(string), isVerified: boolean })),
        }),
      ),
      signatures: object({ client_signed_at: nullable(dateTime), worker_signature: nullable(string), worker_signed_at: nullable(dateTime) }),
      invitations: object({ client_email: nullable(string), worker_email: nullable(string) }),
      external_id: nullable(string),
      is_archived: boolean,
      is_shielded: boolean,
      who_reports: { type: 'string', enum: ['both', 'client', 'contractor'] },
      notice_period: number,
      termination_date: nullable(dateTime),
      cost_centers: arrayOf(object({ name: string, number: string, allocation_percentage: number })),
      created_at: nullable(dateTime),
    },
    ['id', 'title', 'type', 'status'],
  ),
};
