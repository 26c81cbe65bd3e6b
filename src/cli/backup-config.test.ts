import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

describe('automatic backup settings', () => {
  it('reads TRIBUTARY_BACKUP_INTERVAL as a duration (default 24h; off or 0 disables) and TRIBUTARY_BACKUP_KEEP (default 7)', () => {
    expect(readConfig({})).toMatchObject({ backupIntervalMs: 86_400_000, backupKeep: 7 });
    expect(readConfig({ TRIBUTARY_BACKUP_INTERVAL: '30m', TRIBUTARY_BACKUP_KEEP: '2' })).toMatchObject({ backupIntervalMs: 1_800_000, backupKeep: 2 });
    expect(readConfig({ TRIBUTARY_BACKUP_INTERVAL: '7d' }).backupIntervalMs).toBe(604_800_000);
    expect(readConfig({ TRIBUTARY_BACKUP_INTERVAL: 'off' }).backupIntervalMs).toBe(0);
    expect(readConfig({ TRIBUTARY_BACKUP_INTERVAL: '0' }).backupIntervalMs).toBe(0);
  });

  it('refuses what it cannot read, naming the variable', () => {
    for (const bad of ['daily', '12', '-1h', '0h']) expect(() => readConfig({ TRIBUTARY_BACKUP_INTERVAL: bad }), bad).toThrow(/TRIBUTARY_BACKUP_INTERVAL/);
    for (const bad of ['0', '2.5', 'x']) expect(() => readConfig({ TRIBUTARY_BACKUP_KEEP: bad }), bad).toThrow(/TRIBUTARY_BACKUP_KEEP/);
  });
});
