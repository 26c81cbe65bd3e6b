import { describe, expect, it } from 'vitest';
import { SandboxClock } from './clock.js';
import { RecordStore, type RecordStoreOptions } from './record-store.js';

const start = 1_717_200_000;
function store(extra: Partial<RecordStoreOptions> = {}): RecordStore {
  return new RecordStore({
    make: (index, at) => ({ id: `r${index}`, at, status: 'live' }),
    keyOf: (record) => String(record['id']),
    count: 10,
    clock: new SandboxClock(start, 60),
    secret: 99,
    stepSeconds: 30,
    ...extra,
  });
}

describe('the record store', () => {
  it('queries by cursor with >=, > and a granularity', () => {
    const s = store();
    const at = s.list().map((e) => e.at);
    expect(at[9]).toBe(start - 30);
    expect(s.list({ since: at[7] }).map((e) => e.key)).toEqual(['r7', 'r8', 'r9']);
    expect(s.list({ since: at[7], exclusive: true }).map((e) => e.key)).toEqual(['r8', 'r9']);
    // r7 is at :30 past a minute; rounded down to the minute, r6 (at :00) is included.
    const minuteOf7 = Math.floor(at[7]! / 60) * 60;
    expect(s.list({ since: at[7], granularity: 'minute' }).map((e) => e.key)).toEqual(s.list({ since: minuteOf7 }).map((e) => e.key));
    expect(s.list({ since: at[7], granularity: 'minute' }).length).toBeGreaterThan(3);
    expect(s.list({ since: at[2], limit: 2 }).map((e) => e.key)).toEqual(['r2', 'r3']);
    expect(s.count({ since: at[2], limit: 2 })).toBe(8);
  });

  it('moves updated records to the end at the clock, deterministically', () => {
    const a = store();
    const b = store();
    const changes = a.apply({ update: 2, create: 1, delete: 1 });
    expect(b.apply({ update: 2, create: 1, delete: 1 })).toEqual(changes);
    expect(changes.created).toEqual(['r10']);
    const keys = a.list().map((e) => e.key);
    expect(keys.slice(-3)).toEqual(['r10', ...changes.updated]);
    expect(keys).not.toContain(changes.deleted[0]);
    expect(a.liveCount()).toBe(10);
    const moved = a.get(changes.updated[1]!)!;
    expect(moved.record['at']).toBe(moved.at);
    expect(moved.at).toBe(start + 180);
  });

  it('keeps deleted records flagged, as tombstones, or not at all', () => {
    const flagged = store({ deletions: 'flag', applyDeletionFlag: (r) => (r['status'] = 'deleted') });
    const [gone] = flagged.apply({ delete: 1 }).deleted;
    expect(flagged.list().map((e) => e.key)).not.toContain(gone);
    expect(flagged.list({ deleted: 'include', since: start }).map((e) => [e.key, e.record['status']])).toEqual([[gone, 'deleted']]);
    const vanished = store({ deletions: 'vanish' });
    const [forgotten] = vanished.apply({ delete: 1 }).deleted;
    expect(vanished.list({ deleted: 'include' }).map((e) => e.key)).not.toContain(forgotten);
    expect(vanished.get(forgotten!)).toBeUndefined();
  });

  it('hands out position and export tokens that refuse tampering and other stores', () => {
    const s = store();
    const page = s.positionToken(4);
    expect(s.readPosition(page)).toBe(4);
    expect(s.readPosition(`${page.slice(0, -1)}${page.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(s.readPosition(Buffer.from('p.5.123').toString('base64url'))).toBeNull();
    expect(s.readPosition('not a token')).toBeNull();
    expect(store({ secret: 100 }).readPosition(page)).toBeNull();
    const token = s.exportToken();
    // A page position is not an export token, nor the other way round.
    expect(s.readPosition(token)).toBeNull();
    expect(s.readExportToken(page)).toBeNull();
    s.apply({ update: 3 });
    expect(s.list({ afterSeq: s.readExportToken(token) }).length).toBe(3);
    expect(s.readExportToken(store({ count: 3 }).exportToken())).toBe(3);
    const ahead = store();
    ahead.apply({ create: 5 });
    expect(store().readExportToken(ahead.exportToken())).toBeNull();
  });

  it('scopes tokens: one issued for a partition or query is refused for another', () => {
    const s = store();
    const page = s.positionToken(4, 'calendar-a');
    expect(s.readPosition(page, 'calendar-a')).toBe(4);
    expect(s.readPosition(page, 'calendar-b')).toBeNull();
    expect(s.readPosition(page)).toBeNull();
    const token = s.exportToken('calendar-a');
    expect(s.readExportToken(token, 'calendar-a')).toBe(s.reached);
    expect(s.readExportToken(token, 'calendar-b')).toBeNull();
    expect(s.readExportToken(s.exportToken())).toBe(s.reached);
    s.expireExportTokens();
    expect(s.readExportToken(token, 'calendar-a')).toBeNull();
  });

  it('spreads records over partitions', () => {
    const s = store({ partitionOf: (i) => (i % 2 === 0 ? 'even' : 'odd') });
    expect(s.list({ partition: 'even' }).map((e) => e.key)).toEqual(['r0', 'r2', 'r4', 'r6', 'r8']);
    expect(s.liveCount('odd')).toBe(5);
  });
});
