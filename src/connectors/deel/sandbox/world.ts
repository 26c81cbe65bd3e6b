import { hash32, Prng } from '../../kit/sandbox/index.js';

/**
 * The fixed parts of the simulated organization, all derived from the seed: identifiers, names, countries, teams.
 * Nothing here changes when the data does (the kit's stores hold what does; `links.ts` what ties them).
 */

const firstNames = [
  'Ada', 'Bruno', 'Chiara', 'Dmitri', 'Elif', 'Farah', 'Gustavo', 'Hana', 'Ivan', 'Jamila', 'Kenji', 'Lucia', 'Mateo',
  'Nadia', 'Oluwaseun', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Valentina', 'Wei', 'Ximena', 'Yusuf', 'Zofia',
] as const;
const lastNames = [
  'Abara', 'Bianchi', 'Costa', 'Dubois', 'Eriksen', 'Fernandes', 'Garcia', 'Haddad', 'Ivanova', 'Jensen', 'Kowalski',
  'Lindqvist', 'Moreau', 'Nakamura', 'Okafor', 'Patel', 'Quispe', 'Rossi', 'Silva', 'Tanaka', 'Umarov', 'Varga', 'Weber', 'Yilmaz',
] as const;

/** Countries people work from (ISO 3166 codes, as Deel prints them). */
const countries = ['US', 'GB', 'DE', 'BR', 'IN', 'NG', 'PT', 'CA', 'MX', 'PL', 'PH', 'ES'] as const;

const teams = ['Engineering', 'Design', 'Sales', 'Customer Success', 'Finance', 'People', 'Marketing', 'Operations'] as const;
export const jobTitles = [
  'Software Engineer', 'Senior Software Engineer', 'Product Designer', 'Account Executive', 'Support Specialist',
  'Financial Analyst', 'People Partner', 'Content Marketer', 'Data Engineer', 'Engineering Manager', 'QA Engineer',
] as const;

/** Hiring types with their share of the workforce. */
export const hiringTypes = ['contractor', 'contractor', 'contractor', 'contractor', 'eor', 'eor', 'eor', 'direct_employee', 'direct_employee', 'global_payroll'] as const;
export type HiringType = (typeof hiringTypes)[number];

export const hiringStatuses = ['active', 'inactive', 'onboarding', 'offboarding'] as const;
export type HiringStatus = (typeof hiringStatuses)[number];

const salt = { uuid: 1, name: 2, place: 3, type: 4, team: 6, contract: 7, external: 8 } as const;

/** A UUID (v4 layout) that is a pure function of its inputs. */
export function uuidOf(...parts: number[]): string {
  const hex = [1, 2, 3, 4].map((i) => hash32(...parts, i).toString(16).padStart(8, '0')).join('');
  const variant = '89ab'[Number.parseInt(hex[16]!, 16) & 3]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class DeelWorld {
  readonly organizationName: string;
  readonly domain: string;

  constructor(readonly seed: number) {
    const rng = new Prng(hash32(seed, 0x0e6a));
    this.organizationName = `${rng.pick(['Northwind', 'Bluefin', 'Kestrel', 'Orbital', 'Tidewater'])} Labs`;
    this.domain = `${this.organizationName.split(' ')[0]!.toLowerCase()}.example`;
  }

  personId(k: number): string {
    return uuidOf(this.seed, salt.uuid, k);
  }

  /** A number, as Deel's OpenAPI document (API 1.25.0) and its sample responses type `worker_id`. */
  workerId(k: number): number {
    return 1_000_000 + k;
  }

  /** Deel's contract ids are short public ids (`3edvyng`); a hashed prefix and the index keep them unique. */
  contractId(c: number): string {
    const prefix = (hash32(this.seed, salt.contract, c) % 46_656).toString(36).padStart(3, '0');
    return `${prefix}${(c + 1296).toString(36)}`;
  }

  names(k: number): { first: string; last: string } {
    const rng = new Prng(hash32(this.seed, salt.name, k));
    return { first: rng.pick(firstNames), last: rng.pick(lastNames) };
  }

  workEmail(k: number): string {
    const { first, last } = this.names(k);
    return `${first}.${last}.${k}@${this.domain}`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  }

  country(k: number): string {
    return countries[hash32(this.seed, salt.place, k) % countries.length]!;
  }

  hiringType(k: number): HiringType {
    return hiringTypes[hash32(this.seed, salt.type, k) % hiringTypes.length]!;
  }

  team(k: number): { index: number; id: string; name: string } {
    const index = hash32(this.seed, salt.team, k) % teams.length;
    return { index, id: uuidOf(this.seed, salt.team, 0, index), name: teams[index]! };
  }

  externalId(k: number): string | null {
    return hash32(this.seed, salt.external, k) % 4 === 0 ? `HR-${String(k + 1).padStart(6, '0')}` : null;
  }
}
