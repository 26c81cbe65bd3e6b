import { describe, expect, it } from 'vitest';
import { assignWorldPeople, BusinessWorld, businessWorld, DEFAULT_WORLD_SEED } from './business-world.js';
import { hash32, Prng } from './prng.js';

describe('business world', () => {
  it('is the same for a seed wherever it is built, and another seed is another world', () => {
    const a = new BusinessWorld();
    const b = businessWorld(DEFAULT_WORLD_SEED);
    expect(a.people.map((p) => p.email)).toEqual(b.people.map((p) => p.email));
    expect(a.companies.map((c) => [c.name, c.domain])).toEqual(b.companies.map((c) => [c.name, c.domain]));
    expect(businessWorld()).toBe(b);
    expect(new BusinessWorld(2).people.map((p) => p.email)).not.toEqual(a.people.map((p) => p.email));
  });

  it('holds client companies with people at their domain, and a few free-mail people', () => {
    const world = businessWorld();
    expect(world.companies.length).toBe(12);
    expect(new Set(world.companies.map((c) => c.domain)).size).toBe(12);
    for (const company of world.companies) {
      expect(company.domain).toMatch(/^[a-z0-9-]+\.example$/);
      expect(company.people.length).toBeGreaterThanOrEqual(1);
      expect(company.people.length).toBeLessThanOrEqual(3);
      for (const person of company.people) {
        expect(person.email.endsWith(`@${company.domain}`)).toBe(true);
        expect(person.company).toBe(company);
        expect(person.name).toBe(`${person.firstName} ${person.lastName}`);
      }
    }
    const freeMail = world.people.filter((p) => p.company === null);
    expect(freeMail).toHaveLength(4);
    for (const person of freeMail) expect(person.email).toMatch(/@(gmail|outlook|yahoo|icloud)\.com$/);
    const emails = world.people.map((p) => p.email);
    expect(new Set(emails).size).toBe(emails.length);
    // Heaviest first: every company's main contact before any colleague.
    expect(world.people.slice(0, 12)).toEqual(world.companies.map((c) => c.people[0]));
  });

  it('draws favour the key accounts; company-only draws never give a free-mail person', () => {
    const world = businessWorld();
    const rng = new Prng(hash32(5, 1));
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const person = world.pick(rng, { freeMail: false });
      expect(person.company).not.toBeNull();
      counts.set(person.email, (counts.get(person.email) ?? 0) + 1);
    }
    const first = world.people[0]!.email;
    const last = world.people.filter((p) => p.company !== null).at(-1)!.email;
    expect(counts.get(first)!).toBeGreaterThan(3 * (counts.get(last) ?? 0));
    const sample = world.sample(new Prng(7), 10);
    expect(new Set(sample).size).toBe(10);
  });

  it('assigns world people to records in the stated share, each person once, deterministically', () => {
    const world = businessWorld();
    const a = assignWorldPeople(world, 11, 0x51, 100, 0.4);
    expect(assignWorldPeople(world, 11, 0x51, 100, 0.4)).toEqual(a);
    expect([...a.keys()]).not.toEqual([...assignWorldPeople(world, 12, 0x51, 100, 0.4).keys()]);
    // Two in five of the first records, until everyone is placed.
    expect([...a.keys()].filter((i) => i < 50)).toHaveLength(20);
    expect(a.size).toBe(world.people.length);
    expect(new Set([...a.values()].map((p) => p.email)).size).toBe(a.size);
    const companyOnly = assignWorldPeople(world, 11, 0x51, 5, 0.5, { freeMail: false });
    expect(companyOnly.size).toBe(3);
    expect([...companyOnly.values()].every((p) => p.company !== null)).toBe(true);
  });
});
