import { hash32, isoSeconds } from '../../kit/sandbox/index.js';
import type { DeelLinks } from './links.js';
import { hiringStatuses, jobTitles, type DeelWorld, type HiringStatus, type HiringType } from './world.js';

/**
 * The fields of people and contracts that Deel's filters, sorts, searches and links read, made from a record's
 * index and its last change (`at`, epoch seconds) without making the whole record. The rest of each record is
 * made from its JSON schema by the kit; `field-overrides.ts` writes these facts into it.
 */

/** 2025-06-01T00:00:00Z: seeded records change before it, `/_sandbox/changes` after it. */
export const clockStart = Date.UTC(2025, 5, 1) / 1000;
/** Seeded people joined between two years and half a year before the clock's start. */
const joinedSpan = 545 * 86_400;

export interface PersonFacts {
  k: number;
  id: string;
  firstName: string;
  lastName: string;
  fullName: string;
  email: string;
  country: string;
  team: string;
  hiringType: HiringType;
  hiringStatus: HiringStatus;
  jobTitle: string;
  startDate: string;
  /** Epoch seconds. */
  createdAt: number;
}

export interface ContractFacts {
  c: number;
  id: string;
  title: string;
  workerName: string;
  worker: number | null;
  type: string;
  status: string;
  createdAt: number;
}

/** Three in four people are active; a status only moves when the person is updated. */
function statusAtHire(seed: number, k: number): HiringStatus {
  const roll = hash32(seed, 21, k) % 20;
  return roll < 15 ? 'active' : roll < 17 ? 'inactive' : roll < 19 ? 'onboarding' : 'offboarding';
}

function personCreatedAt(world: DeelWorld, links: DeelLinks, k: number): number {
  return links.created('people', k) ?? clockStart - 2 * 365 * 86_400 + (hash32(world.seed, 11, k) % joinedSpan);
}

export function personFacts(world: DeelWorld, links: DeelLinks, k: number, at: number): PersonFacts {
  const { first, last } = world.names(k);
  const createdAt = personCreatedAt(world, links, k);
  // An update (a change after the seeded data, other than the hire itself) moves the status and the job on.
  const revision = at > clockStart && at !== links.created('people', k) ? hash32(world.seed, 20, k, at) : 0;
  return {
    k,
    id: world.personId(k),
    firstName: first,
    lastName: last,
    fullName: `${first} ${last}`,
    email: world.workEmail(k),
    country: world.country(k),
    team: world.team(k).name,
    hiringType: world.hiringType(k),
    hiringStatus: revision === 0 ? statusAtHire(world.seed, k) : hiringStatuses[revision % hiringStatuses.length]!,
    jobTitle: jobTitles[(hash32(world.seed, 22, k) + revision) % jobTitles.length]!,
    startDate: isoSeconds(createdAt + (hash32(world.seed, 23, k) % 30) * 86_400).slice(0, 10),
    createdAt,
  };
}

const contractStatusFor: Record<HiringStatus, string> = {
  active: 'in_progress',
  inactive: 'completed',
  onboarding: 'waiting_for_contractor_sign',
  offboarding: 'in_progress',
};
const contractorTypes = ['ongoing_time_based', 'pay_as_you_go_time_based', 'milestones', 'payg_tasks'] as const;
/** The lifecycle an update moves a contract along (each update changes its status). */
const contractLifecycle = ['new', 'waiting_for_client_sign', 'waiting_for_contractor_sign', 'in_progress', 'completed', 'cancelled'] as const;

function contractType(world: DeelWorld, c: number, worker: number | null): string {
  if (worker === null) return 'ongoing_time_based';
  switch (world.hiringType(worker)) {
    case 'eor':
      return 'eor';
    case 'direct_employee':
      return 'hris_direct_employee';
    case 'global_payroll':
      return 'global_payroll';
    default:
      return contractorTypes[hash32(world.seed, 31, c) % contractorTypes.length]!;
  }
}

/**
 * A contract's facts follow its worker's facts at hire, never later changes to the person: an update to
 * someone's profile leaves their contract as it was.
 */
export function contractFacts(world: DeelWorld, links: DeelLinks, c: number, at: number): ContractFacts {
  const worker = links.workerOf(c);
  const created = links.created('contracts', c);
  // A seeded contract is drafted a few hours before its worker's profile is completed.
  const createdAt = created ?? personCreatedAt(world, links, c) - (hash32(world.seed, 13, c) % 86_400);
  const base = worker === null ? 0 : contractLifecycle.indexOf(contractStatusFor[statusAtHire(world.seed, worker)] as (typeof contractLifecycle)[number]);
  const updated = at > clockStart && at !== created;
  const step = updated ? 1 + (hash32(world.seed, 33, c, at) % (contractLifecycle.length - 1)) : 0;
  const job = jobTitles[hash32(world.seed, 22, worker ?? c) % jobTitles.length]!;
  const workerName = worker === null ? '' : `${world.names(worker).first} ${world.names(worker).last}`;
  return {
    c,
    id: world.contractId(c),
    title: worker === null ? `${job} (open)` : `${job} – ${workerName}`,
    workerName,
    worker,
    type: contractType(world, c, worker),
    status: contractLifecycle[(base + step) % contractLifecycle.length]!,
    createdAt,
  };
}
