import { hash32, Prng } from './prng.js';

/**
 * The world seed every sandbox uses unless `SandboxOptions.world` sets another: sandboxes started separately share
 * one world by default.
 *
 * @example
 * ```ts
 * const world = businessWorld(options.world ?? DEFAULT_WORLD_SEED);
 * ```
 */
export const DEFAULT_WORLD_SEED = 0x7e1d;

/**
 * A client company of the world: its name, its `.example` domain, and its people (main contact first).
 *
 * @example
 * ```ts
 * const company: WorldCompany = businessWorld().companies[0]!;
 * const customer = { name: company.name, email: company.people[0]!.email, website: `https://${company.domain}` };
 * ```
 */
export interface WorldCompany {
  name: string;
  /** Lower-case, under the reserved `.example` top-level domain: `meridian-analytics.example`. */
  domain: string;
  /** Main contact first. */
  people: WorldPerson[];
}

/**
 * A person of the world: name parts, a lower-case email, and their company (null for a free-mail address).
 *
 * @example
 * ```ts
 * const person: WorldPerson | undefined = worldPeople.get(index);
 * const email = person?.email ?? `customer${index}@example.com`;
 * ```
 */
export interface WorldPerson {
  firstName: string;
  lastName: string;
  name: string;
  /** Lower-case: at the company's domain, or at a free-mail provider when `company` is null. */
  email: string;
  company: WorldCompany | null;
}

/**
 * Which people a draw may return.
 *
 * @example
 * ```ts
 * const contact = world.pick(rng, { freeMail: false } satisfies WorldDrawOptions);
 * ```
 */
export interface WorldDrawOptions {
  /** Include the free-mail people (default true); false draws only people who work at a client company. */
  freeMail?: boolean;
}

const prefixes = [
  'Bluepeak', 'Harbor', 'Lumen', 'Redwood', 'Quarry', 'Nimbus', 'Copperleaf', 'Stillwater', 'Brightline', 'Kestrel',
  'Meridian', 'Oakridge', 'Saltmarsh', 'Tidewater', 'Juniper', 'Granite', 'Foxglove', 'Ironbark', 'Larkspur', 'Summit',
] as const;
const suffixes = [
  'Analytics', 'Logistics', 'Dental', 'Architects', 'Foods', 'Robotics', 'Legal', 'Studios', 'Health', 'Capital',
  'Outfitters', 'Energy', 'Labs', 'Media', 'Freight', 'Clinics',
] as const;
const firstNames = [
  'Ines', 'Marcus', 'Yara', 'Declan', 'Leila', 'Owen', 'Anika', 'Rafael', 'Chiara', 'Kwame', 'Sienna', 'Tobias',
  'Mira', 'Jonah', 'Elif', 'Mateo', 'Freya', 'Ravi', 'Zoe', 'Felix', 'Nadia', 'Callum', 'Ingrid', 'Dario',
  'Amara', 'Soren', 'Lucia', 'Hugo', 'Keiko', 'Emeka', 'Greta', 'Pavel', 'Rosa', 'Idris', 'Maren', 'Teodor',
  'Ayla', 'Bastian', 'Noor', 'Elias',
] as const;
const lastNames = [
  'Navarro', 'Lindqvist', 'Okafor', 'Brennan', 'Haddad', 'Whitfield', 'Kapoor', 'Moreau', 'Esposito', 'Mensah',
  'Fairbanks', 'Vogel', 'Sato', 'Delgado', 'Aydin', 'Romero', 'Halvorsen', 'Iyer', 'Castellanos', 'Becker',
  'Nakamura', 'Oyelaran', 'Sorensen', 'Kowalski',
] as const;
const freeMailDomains = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com'] as const;

const COMPANIES = 12;
const FREE_MAIL_PEOPLE = 4;

/**
 * One small business world that several sandboxes share, so that the same client shows up in more than one of
 * them, as it would for a real company whose customers pay through Stripe, are invoiced in QuickBooks and email
 * the team. It is generated from a `world` seed alone — never from a sandbox's own seed — so two sandboxes
 * started separately (two processes, two tests) share it as long as they share that seed (default
 * `DEFAULT_WORLD_SEED`).
 *
 * The world holds about a dozen client companies (`name`, `domain` under `.example`), one to three people at
 * each (`first.last@domain` and variants), and a few people on free-mail addresses (gmail.com, outlook.com…),
 * which never make a company. `people` is ordered by weight: every company's main contact first, then their
 * colleagues, so draws that favour the front (`pick`, `sample`) meet the key accounts most often — which is what
 * makes the same person appear in several sandboxes even when each holds only a couple of dozen records.
 *
 * Build it with `businessWorld(seed)`, which keeps one per seed.
 *
 * @example
 * ```ts
 * const world = businessWorld();
 * const rng = new Prng(hash32(seed, 0x3031d));
 * const person = world.pick(rng, { freeMail: false }); // e.g. { email: 'felix@meridian-analytics.example', company: { name: 'Meridian Analytics', … }, … }
 * ```
 */
export class BusinessWorld {
  readonly companies: readonly WorldCompany[];
  /** Everyone, heaviest first: the companies' main contacts, then their colleagues, then the free-mail people. */
  readonly people: readonly WorldPerson[];
  private readonly companyPeople: readonly WorldPerson[];

  constructor(readonly seed: number = DEFAULT_WORLD_SEED) {
    const rng = new Prng(hash32(seed, 0x3031d));
    const names = rng.sample(prefixes, COMPANIES).map((prefix) => `${prefix} ${rng.pick(suffixes)}`);
    const firsts = rng.sample(firstNames, firstNames.length);
    let nextFirst = 0;
    const person = (company: WorldCompany | null): WorldPerson => {
      // 40 first names for at most 12 × 3 + 4 people: no two people share one.
      const firstName = firsts[nextFirst++]!;
      const lastName = rng.pick(lastNames);
      const local = slug(firstName);
      const last = slug(lastName);
      const domain = company?.domain ?? rng.pick(freeMailDomains);
      const pattern = company === null ? 3 : rng.int(3);
      const user = [`${local}.${last}`, local, `${local[0]}.${last}`, `${local}.${last}${10 + rng.int(90)}`][pattern]!;
      return { firstName, lastName, name: `${firstName} ${lastName}`, email: `${user}@${domain}`, company };
    };
    const companies: WorldCompany[] = names.map((name) => ({ name, domain: `${slug(name)}.example`, people: [] }));
    // Everyone gets a main contact before anyone gets a colleague, so first names stay distinct where it matters.
    for (const company of companies) company.people.push(person(company));
    for (const company of companies) {
      const colleagues = rng.int(3);
      for (let i = 0; i < colleagues; i++) company.people.push(person(company));
    }
    const byWeight: WorldPerson[] = [];
    for (let rank = 0; rank < 3; rank++) for (const company of companies) if (company.people[rank]) byWeight.push(company.people[rank]!);
    this.companies = companies;
    this.companyPeople = byWeight;
    this.people = [...byWeight, ...Array.from({ length: FREE_MAIL_PEOPLE }, () => person(null))];
  }

  /** One person, favouring the front of `people` (the key accounts): index ⌊n·u²⌋ for a uniform u. */
  pick(rng: Prng, options: WorldDrawOptions = {}): WorldPerson {
    const pool = this.pool(options);
    return pool[Math.floor(pool.length * rng.next() ** 2)]!;
  }

  /** `count` distinct people (at most all of them), each drawn as `pick` draws from those left. */
  sample(rng: Prng, count: number, options: WorldDrawOptions = {}): WorldPerson[] {
    const pool = [...this.pool(options)];
    const out: WorldPerson[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(pool.length * rng.next() ** 2), 1)[0]!);
    return out;
  }

  private pool(options: WorldDrawOptions): readonly WorldPerson[] {
    return options.freeMail === false ? this.companyPeople : this.people;
  }
}

const worlds = new Map<number, BusinessWorld>();

/**
 * The world of a seed, built once per process (it is a few dozen objects).
 *
 * @example
 * ```ts
 * this.world = businessWorld(options.world); // undefined: DEFAULT_WORLD_SEED
 * ```
 */
export function businessWorld(seed: number = DEFAULT_WORLD_SEED): BusinessWorld {
  let world = worlds.get(seed);
  if (!world) {
    world = new BusinessWorld(seed);
    worlds.set(seed, world);
  }
  return world;
}

/**
 * Which of a sandbox's first `limit` records stand for a world person, each person at most once: in every run of
 * five records, `round(5 × share)` at random places (seeded by `seed` and `salt`) take the next person of a
 * front-weighted `sample`, until everyone is placed. For sandboxes where one person should be one record (Stripe
 * customers, QuickBooks customers); the map is small (at most the world's size).
 *
 * @example
 * ```ts
 * // About two in five of the first customers are the world's clients (free-mail people included).
 * this.worldPeople = assignWorldPeople(businessWorld(world), seed, 0x5791e, customerCount, 0.4);
 * ```
 */
export function assignWorldPeople(world: BusinessWorld, seed: number, salt: number, limit: number, share: number, options: WorldDrawOptions = {}): Map<number, WorldPerson> {
  const rng = new Prng(hash32(seed, salt));
  const people = world.sample(rng, world.people.length, options);
  const perWindow = Math.round(5 * Math.min(1, Math.max(0, share)));
  const out = new Map<number, WorldPerson>();
  for (let start = 0; start < limit && out.size < people.length; start += 5) {
    const places = rng.sample([0, 1, 2, 3, 4], perWindow).sort((a, b) => a - b);
    for (const place of places) if (start + place < limit && out.size < people.length) out.set(start + place, people[out.size]!);
  }
  return out;
}

function slug(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
