import { describe, expect, it } from 'vitest';
import { SchemaRecords } from './schema-records.js';

const schema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string', format: 'email' },
    website: { type: ['string', 'null'], format: 'uri' },
    birthday: { type: 'string', format: 'date' },
    external: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: ['lead', 'customer'] },
    plan: { type: 'string', examples: ['free', 'pro'] },
    seats: { type: 'integer', minimum: 3, maximum: 9 },
    ratio: { type: 'number', minimum: 0, maximum: 1 },
    nickname: { type: ['string', 'null'] },
    active: { type: 'boolean' },
    address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string', maxLength: 5 } } },
    tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 },
    source: { anyOf: [{ type: 'null' }, { type: 'string', const: 'import' }] },
    updated_at: { type: 'string', format: 'date-time' },
  },
};

const at = 1_717_200_000;
const make = (seed: number, extra: Partial<ConstructorParameters<typeof SchemaRecords>[0]> = {}) =>
  new SchemaRecords({ schema, seed, stream: 'contacts', primaryKey: ['id'], cursorField: 'updated_at', ...extra });

describe('records from a JSON schema', () => {
  it('is deterministic per seed, independent of the order records are made in', () => {
    const a = make(1);
    const forward = [0, 1, 2, 3].map((i) => a.record(i, at));
    const backward = [3, 2, 1, 0].map((i) => make(1).record(i, at)).reverse();
    expect(backward).toEqual(forward);
    expect(make(2).record(0, at)).not.toEqual(forward[0]);
    expect(new SchemaRecords({ schema, seed: 1, stream: 'leads', primaryKey: ['id'] }).record(0, at)).not.toEqual(forward[0]);
  });

  it('follows types, formats, enums, bounds and nullability', () => {
    const records = Array.from({ length: 300 }, (_, i) => make(5).record(i, at));
    for (const r of records) {
      expect(r['email']).toMatch(/^[a-z]+\.[0-9a-f]{4}@example\.com$/);
      expect(r['website'] === null || /^https:\/\/example\.com\//.test(r['website'] as string)).toBe(true);
      expect(r['birthday']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r['external']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(['lead', 'customer']).toContain(r['kind']);
      expect(['free', 'pro']).toContain(r['plan']);
      expect(r['seats']).toBeGreaterThanOrEqual(3);
      expect(r['seats']).toBeLessThanOrEqual(9);
      expect(Number.isInteger(r['seats'])).toBe(true);
      expect(typeof r['ratio']).toBe('number');
      expect(typeof r['active']).toBe('boolean');
      expect((r['address'] as { zip: string }).zip.length).toBeLessThanOrEqual(5);
      expect((r['tags'] as string[]).length).toBeGreaterThanOrEqual(1);
      expect((r['tags'] as string[]).length).toBeLessThanOrEqual(2);
      expect(r['source']).toBe('import');
      expect(r['updated_at']).toBe('2024-06-01T00:00:00Z');
      expect(typeof r['name']).toBe('string');
      expect((r['name'] as string).split(' ')).toHaveLength(2);
    }
    const nulls = records.filter((r) => r['nickname'] === null).length;
    expect(nulls).toBeGreaterThan(5);
    expect(nulls).toBeLessThan(100);
  });

  it('gives unique ids of the primary key type', () => {
    const strings = make(3);
    expect(new Set(Array.from({ length: 5000 }, (_, i) => strings.record(i, at)['id'])).size).toBe(5000);
    const numbered = new SchemaRecords({ schema: { type: 'object', properties: { id: { type: 'integer' } } }, seed: 3, stream: 'n', primaryKey: ['id'] });
    expect([0, 1, 2].map((i) => numbered.record(i, at)['id'])).toEqual([1, 2, 3]);
    const uuids = new SchemaRecords({ schema: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } }, seed: 3, stream: 'u', primaryKey: ['id'] });
    const ids = Array.from({ length: 2000 }, (_, i) => uuids.record(i, at)['id']);
    expect(new Set(ids).size).toBe(2000);
  });

  it('writes the cursor in the described format and applies per-field overrides', () => {
    const r = make(1, {
      cursorFormat: 'unix_seconds',
      overrides: { 'address.city': () => 'Lisbon', name: ({ index }) => `Contact ${index}` },
    }).record(4, at);
    // The schema says string: Unix seconds as text.
    expect(r['updated_at']).toBe(String(at));
    expect(r['address']).toMatchObject({ city: 'Lisbon' });
    expect(r['name']).toBe('Contact 4');
  });

  it('writes the cursor in the shape its schema says: integer, text with a pattern', () => {
    const stripeLike = new SchemaRecords({ schema: { type: 'object', properties: { id: { type: 'string', pattern: '^ch_' }, created: { type: 'integer' } } }, seed: 1, stream: 'charges', primaryKey: ['id'], cursorField: 'created' });
    expect(stripeLike.record(0, at)).toMatchObject({ created: at, id: expect.stringMatching(/^ch_/) });
    const slackLike = new SchemaRecords({ schema: { type: 'object', properties: { ts: { type: 'string', pattern: '^\\d{10}\\.\\d{6}$' } } }, seed: 1, stream: 'messages', primaryKey: ['ts'], cursorField: 'ts' });
    expect(slackLike.record(42, at)['ts']).toBe(`${at}.000042`);
    const reports = new SchemaRecords({ schema: { type: 'object', properties: { period_start: { type: 'string', format: 'date' } } }, seed: 1, stream: 'reports', primaryKey: ['period_start'] });
    expect([0, 1].map((i) => reports.record(i, at)['period_start'])).toEqual(['2024-01-01', '2023-12-31']);
  });

  it('makes text for simple patterns', () => {
    const r = new SchemaRecords({
      schema: { type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]{3}-(red|blue)_\\d{2,4}$' }, ref: { type: 'string', pattern: '^price_' } } },
      seed: 9,
      stream: 'codes',
    });
    for (let i = 0; i < 50; i++) {
      const record = r.record(i, at);
      expect(record['code']).toMatch(/^[A-Z]{3}-(red|blue)_\d{2,4}$/);
      expect(record['ref']).toMatch(/^price_./);
    }
  });
});
