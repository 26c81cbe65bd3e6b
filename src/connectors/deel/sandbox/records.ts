import type { JsonRecord } from '../../kit/index.js';
import { isoSeconds, type StoredRecord } from '../../kit/sandbox/index.js';
import { contractFacts, personFacts } from './facts.js';
import type { DeelLinks } from './links.js';
import type { DeelWorld } from './world.js';

/**
 * People and contracts as Deel's endpoints send them: the kit's record made from the JSON schema (addresses,
 * legal entity, signatures and the other fields nothing here reads), with Deel's facts written over it — names
 * and emails that belong together, statuses its filters know, and the links between a person's employment and
 * its contract.
 */

const iso = (seconds: number): string => isoSeconds(seconds);

function personRef(world: DeelWorld, k: number): JsonRecord {
  const { first, last } = world.names(k);
  return { id: world.personId(k), first_name: first, last_name: last, work_email: world.workEmail(k) };
}

export function personRecord(world: DeelWorld, links: DeelLinks, entry: StoredRecord): JsonRecord {
  const f = personFacts(world, links, entry.index, entry.at);
  const team = { id: world.team(entry.index).id, name: f.team };
  // Teams of ten: the first of each ten seeded people manages the other nine.
  const k = entry.index;
  const manager = k >= links.seeded || k % 10 === 0 ? null : k - (k % 10);
  const onboarded = f.hiringStatus !== 'onboarding';
  return {
    ...entry.record,
    id: f.id,
    worker_id: world.workerId(k),
    first_name: f.firstName,
    last_name: f.lastName,
    full_name: f.fullName,
    emails: [
      { type: 'work', value: f.email },
      { type: 'personal', value: null },
    ],
    country: f.country,
    job_title: f.jobTitle,
    hiring_type: f.hiringType,
    hiring_status: f.hiringStatus,
    new_hiring_status: f.hiringStatus,
    start_date: f.startDate,
    completion_date: onboarded ? iso(f.createdAt) : null,
    department: { id: team.id, name: team.name, parent: null },
    direct_manager: manager === null ? null : personRef(world, manager),
    employments: [
      {
        id: world.contractId(links.contractOf(k)),
        name: `${f.jobTitle} – ${f.fullName}`,
        team,
        email: f.email,
        work_email: f.email,
        country: f.country,
        job_title: f.jobTitle,
        start_date: f.startDate,
        hiring_type: f.hiringType,
        hiring_status: f.hiringStatus,
        is_ended: f.hiringStatus === 'inactive',
      },
    ],
    created_at: iso(f.createdAt),
    updated_at: iso(entry.at),
  };
}

export function contractRecord(world: DeelWorld, links: DeelLinks, entry: StoredRecord): JsonRecord {
  const f = contractFacts(world, links, entry.index, entry.at);
  const email = f.worker === null ? null : world.workEmail(f.worker);
  const signed = f.status === 'in_progress' || f.status === 'completed';
  return {
    ...entry.record,
    id: f.id,
    title: f.title,
    type: f.type,
    status: f.status,
    worker: f.worker === null ? null : { id: world.personId(f.worker), email, image: null, full_name: f.workerName, alternate_email: [] },
    created_at: iso(f.createdAt),
    signatures: {
      client_signed_at: signed ? iso(f.createdAt + 3600) : null,
      worker_signature: signed ? f.workerName : null,
      worker_signed_at: signed ? iso(f.createdAt + 7200) : null,
    },
    invitations: { client_email: null, worker_email: email },
    external_id: f.worker === null ? null : world.externalId(f.worker),
    is_archived: f.status === 'cancelled',
    termination_date: f.status === 'completed' || f.status === 'cancelled' ? iso(f.createdAt + 180 * 86_400) : null,
  };
}
