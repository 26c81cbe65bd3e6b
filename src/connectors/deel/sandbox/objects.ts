import { hash32 } from '../../kit/sandbox/index.js';
import type { DeelStore } from './store.js';
import { hiringStatuses, jobTitles, seniorities, type DeelWorld, type HiringStatus, type HiringType } from './world.js';

/**
 * People and contracts as Deel's list endpoints print them (field names and shapes from Deel's OpenAPI
 * document), built on demand from the world (fixed facts) and the store (what changed).
 */

export type Json = Record<string, unknown>;

/** What filters and sorts look at, cheaper than the whole JSON. */
export interface PersonFacts {
  k: number;
  id: string;
  firstName: string;
  lastName: string;
  fullName: string;
  email: string;
  country: string;
  hiringType: HiringType;
  hiringStatus: HiringStatus;
  jobTitle: string;
  startDate: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const day = (ms: number): string => iso(ms).slice(0, 10);

/** Three in four people are active; an update moves a person's status on, so it always changes something. */
function statusOf(store: DeelStore, k: number): HiringStatus {
  const version = store.personVersion(k);
  if (version === 0) return statusAtHire(store, k);
  return hiringStatuses[(hash32(store.seed, 21, k) + version) % hiringStatuses.length]!;
}

export function personFacts(world: DeelWorld, store: DeelStore, k: number): PersonFacts {
  const { first, last } = world.names(k);
  const version = store.personVersion(k);
  return {
    k,
    id: world.personId(k),
    firstName: first,
    lastName: last,
    fullName: `${first} ${last}`,
    email: world.workEmail(k),
    country: world.place(k).code,
    hiringType: world.hiringType(k),
    hiringStatus: statusOf(store, k),
    jobTitle: jobTitles[(hash32(store.seed, 22, k) + version) % jobTitles.length]!,
    startDate: day(store.personCreatedAt(k) + (hash32(store.seed, 23, k) % 30) * 86_400_000),
  };
}

const contractStatusFor: Record<HiringStatus, string> = {
  active: 'in_progress',
  inactive: 'completed',
  onboarding: 'waiting_for_contractor_sign',
  offboarding: 'in_progress',
};

/**
 * A property Deel's OpenAPI document types as a plain (non-nullable) string, left out when there is no value,
 * as the document allows (none of a person's properties is required; Deel has no vendor-fidelity suite, as no
 * registry package ships that document: test/vendor-specs/README.md).
 * Properties Deel's own sample responses show as null (birth_date, emails[].value, direct_manager, payment)
 * stay null.
 */
function optional(key: string, value: string | null): Json {
  return value === null ? {} : { [key]: value };
}

function personRef(world: DeelWorld, k: number): Json {
  const { first, last } = world.names(k);
  return { id: world.personId(k), first_name: first, last_name: last, work_email: world.workEmail(k) };
}

/** Teams of ten: the first of each ten manages the other nine (fixed at seed time). */
function managerOf(k: number): number | null {
  return k % 10 === 0 ? null : k - (k % 10);
}

export function person(world: DeelWorld, store: DeelStore, k: number): Json {
  const facts = personFacts(world, store, k);
  const place = world.place(k);
  const team = world.team(k);
  const entity = world.legalEntity(k);
  const seniority = seniorities[(hash32(store.seed, 24, k) + store.personVersion(k)) % seniorities.length]!;
  const createdAt = store.personCreatedAt(k);
  const onboarded = facts.hiringStatus !== 'onboarding';
  const manager = managerOf(k);
  const reports = manager === null && k < store.seeded ? Array.from({ length: Math.min(9, Math.max(0, store.seeded - k - 1)) }, (_, i) => k + 1 + i) : [];
  const contract = store.contractOf(k);
  const employment: Json = {
    id: world.contractId(contract),
    name: `${facts.jobTitle} – ${facts.fullName}`,
    team: { id: team.id, name: team.name },
    email: facts.email,
    ...(place.region === null ? {} : { state: place.region }),
    country: place.code,
    payment: facts.hiringType === 'contractor' ? { rate: 3000 + (hash32(store.seed, 25, k) % 90) * 100, scale: 'monthly', currency: 'USD', contract_name: facts.jobTitle } : null,
    is_ended: facts.hiringStatus === 'inactive',
    timezone: place.timezone,
    job_title: facts.jobTitle,
    seniority,
    start_date: facts.startDate,
    work_email: facts.email,
    hiring_type: facts.hiringType,
    hiring_status: facts.hiringStatus,
    ...(onboarded ? { completion_date: iso(createdAt) } : {}),
    contract_status: contractStatusFor[facts.hiringStatus],
    new_hiring_status: facts.hiringStatus,
    client_legal_entity: entity,
    contract_is_archived: false,
    contract_has_contractor: facts.hiringType === 'contractor',
    is_user_contract_deleted: false,
  };
  return {
    id: facts.id,
    worker_id: world.workerId(k),
    ...optional('external_id', world.externalId(k)),
    first_name: facts.firstName,
    last_name: facts.lastName,
    full_name: facts.fullName,
    emails: [
      { type: 'work', value: facts.email },
      { type: 'personal', value: null },
    ],
    birth_date: null,
    country: place.code,
    ...optional('state', place.region),
    timezone: place.timezone,
    nationalities: [place.code],
    addresses: [{ ...optional('region', place.region), country: place.code, locality: place.city, postalCode: String(10_000 + (hash32(store.seed, 26, k) % 89_999)), streetAddress: `${1 + (k % 400)} Market Street` }],
    job_title: facts.jobTitle,
    seniority,
    hiring_type: facts.hiringType,
    hiring_status: facts.hiringStatus,
    new_hiring_status: facts.hiringStatus,
    start_date: facts.startDate,
    completion_date: onboarded ? iso(createdAt) : null,
    work_location: hash32(store.seed, 27, k) % 3 === 0 ? place.city : 'Remote',
    is_pwac: false,
    department: { id: team.id, name: team.name },
    client_legal_entity: entity,
    direct_manager: manager === null ? null : personRef(world, manager),
    direct_reports: reports.map((r) => personRef(world, r)),
    direct_reports_count: reports.length,
    employments: [employment],
    created_at: iso(createdAt),
    updated_at: iso(store.personUpdatedAt(k)),
  };
}

const contractorTypes = ['ongoing_time_based', 'pay_as_you_go_time_based', 'milestones', 'payg_tasks'] as const;
/** The lifecycle an update moves a contract along (each update changes its status). */
const contractLifecycle = ['new', 'waiting_for_client_sign', 'waiting_for_contractor_sign', 'in_progress', 'completed', 'cancelled'] as const;

function contractTypeOf(world: DeelWorld, store: DeelStore, c: number, worker: number | null): string {
  if (worker === null) return 'ongoing_time_based';
  switch (world.hiringType(worker)) {
    case 'eor':
      return 'eor';
    case 'direct_employee':
      return 'hris_direct_employee';
    case 'global_payroll':
      return 'global_payroll';
    default:
      return contractorTypes[hash32(store.seed, 31, c) % contractorTypes.length]!;
  }
}

function contractStatusOf(store: DeelStore, c: number, worker: number | null): string {
  const version = store.contractVersion(c);
  const base = worker === null ? 0 : Math.max(0, contractLifecycle.indexOf(contractStatusFor[statusAtHire(store, worker)] as (typeof contractLifecycle)[number]));
  return contractLifecycle[(base + version) % contractLifecycle.length]!;
}

/** A contract's seeded status follows its worker's seeded status, not later changes to the person. */
function statusAtHire(store: DeelStore, k: number): HiringStatus {
  const roll = hash32(store.seed, 21, k) % 20;
  return roll < 15 ? 'active' : roll < 17 ? 'inactive' : roll < 19 ? 'onboarding' : 'offboarding';
}

export function contractTitle(world: DeelWorld, store: DeelStore, c: number): string {
  const worker = store.workerOf(c);
  const job = jobTitles[hash32(store.seed, 22, worker ?? c) % jobTitles.length]!;
  return worker === null ? `${job} (open)` : `${job} – ${world.names(worker).first} ${world.names(worker).last}`;
}

export function contractWorkerName(world: DeelWorld, store: DeelStore, c: number): string {
  const worker = store.workerOf(c);
  if (worker === null) return '';
  const { first, last } = world.names(worker);
  return `${first} ${last}`;
}

export function contract(world: DeelWorld, store: DeelStore, c: number): Json {
  const worker = store.workerOf(c);
  const createdAt = store.contractCreatedAt(c);
  const type = contractTypeOf(world, store, c, worker);
  const status = contractStatusOf(store, c, worker);
  const signed = status === 'in_progress' || status === 'completed';
  const email = worker === null ? null : world.workEmail(worker);
  const team = world.team(worker ?? c);
  return {
    id: world.contractId(c),
    title: contractTitle(world, store, c),
    type,
    status,
    scale: type === 'eor' || type === 'global_payroll' || type === 'hris_direct_employee' ? null : type === 'pay_as_you_go_time_based' ? 'hourly' : 'monthly',
    client: { team: { id: team.id, name: team.name } },
    worker: worker === null ? null : { id: world.personId(worker), email, image: null, full_name: contractWorkerName(world, store, c), alternate_email: [] },
    created_at: iso(createdAt),
    signatures: {
      client_signed_at: signed ? iso(createdAt + 3_600_000) : null,
      worker_signature: signed ? contractWorkerName(world, store, c) : null,
      worker_signed_at: signed ? iso(createdAt + 7_200_000) : null,
    },
    external_id: worker === null ? null : world.externalId(worker),
    invitations: { client_email: null, worker_email: email },
    is_archived: status === 'cancelled',
    is_shielded: false,
    who_reports: type.startsWith('pay') ? 'contractor' : 'both',
    notice_period: [0, 15, 30][hash32(store.seed, 32, c) % 3]!,
    termination_date: status === 'completed' || status === 'cancelled' ? iso(createdAt + 180 * 86_400_000) : null,
  };
}
