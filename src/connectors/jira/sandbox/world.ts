import { hash32, Prng } from '../../kit/sandbox/index.js';

/**
 * Names and ids that depend on the seed only: the site, its cloud id, the signed-in user and their time zone, the
 * user pool, and the projects.
 */
const siteNames = ['riverbend', 'lumen-labs', 'northwind', 'octave', 'kestrel', 'fjord-works', 'tidal'];
const projectCatalogue = [
  ['PLAT', 'Platform'],
  ['WEB', 'Web App'],
  ['OPS', 'Operations'],
  ['MOB', 'Mobile'],
  ['DATA', 'Data Pipeline'],
  ['SEC', 'Security'],
  ['DOCS', 'Documentation'],
  ['API', 'Public API'],
  ['BILL', 'Billing'],
  ['SRCH', 'Search'],
] as const;
const people = [
  'Amara Khan', 'Björn Larsen', 'Chen Li', 'Dmitri Volkov', 'Elena Ruiz', 'Farid Haddad', 'Grace Okafor', 'Hiro Tanaka',
  'Inès Moreau', 'Jonas Weber', 'Kavya Patel',
];
/** Zones on both sides of UTC, with and without daylight saving, and one at a half hour. */
const zones = ['Australia/Sydney', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles', 'UTC', 'Pacific/Auckland'];

export const userPoolSize = 10;

export interface SandboxProject {
  index: number;
  id: string;
  key: string;
  name: string;
  lead: number;
  uuid: string;
}

function uuidFrom(seed: number, salt: number): string {
  const hex = new Prng(hash32(seed, salt)).hex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class JiraWorld {
  readonly siteName: string;
  readonly siteUrl: string;
  readonly cloudId: string;
  /** The signed-in account's profile time zone: JQL dates are read in it and timestamps printed in it. */
  readonly timeZone: string;
  readonly projects: SandboxProject[];
  private readonly names: string[];

  constructor(
    readonly seed: number,
    projectCount: number,
    private readonly accountEmail: string,
  ) {
    const rng = new Prng(hash32(seed, 0x51e));
    this.siteName = rng.pick(siteNames);
    this.siteUrl = `https://${this.siteName}.atlassian.net`;
    this.cloudId = uuidFrom(seed, 0xc10d);
    this.timeZone = zones[Math.abs(Math.trunc(seed)) % zones.length]!;
    this.names = rng.sample(people, userPoolSize);
    this.projects = rng.sample(projectCatalogue, projectCount).map(([key, name], index) => ({
      index,
      id: String(10000 + index),
      key,
      name,
      lead: index % userPoolSize,
      uuid: uuidFrom(seed, 0x9e0 + index),
    }));
  }

  /** Atlassian account ids: 24 hex digits for accounts made before 2019, as most sites still have. */
  accountId(user: number): string {
    return new Prng(hash32(this.seed, 0xacc, user)).hex(24);
  }

  displayName(user: number): string {
    return this.names[user % this.names.length]!;
  }

  /** The signed-in account's email, which is what Basic auth names (user 0). */
  email(): string {
    return this.accountEmail;
  }

  userTimeZone(user: number): string {
    return user === 0 ? this.timeZone : zones[(user + Math.abs(Math.trunc(this.seed))) % zones.length]!;
  }

  /** A project by key, id or name (as JQL's `project` clause takes any), or null. */
  findProject(value: string): SandboxProject | null {
    const wanted = value.trim().toLowerCase();
    return this.projects.find((p) => p.key.toLowerCase() === wanted || p.id === wanted || p.name.toLowerCase() === wanted) ?? null;
  }
}
