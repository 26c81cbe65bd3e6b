import { describe, expect, it } from 'vitest';
import type { Manifest } from '../contracts/manifest.js';
import { ConnStringError, parseConnString } from './conn-string.js';
import { validateFields } from './connection-input.js';

describe('parseConnString', () => {
  it('returns the normalised host and the port (scheme default when absent)', () => {
    expect(parseConnString('postgres://u:p@db.example.com/app?sslmode=require')).toEqual({ protocol: 'postgres:', hostname: 'db.example.com', port: 5432 });
    expect(parseConnString('postgresql://u:p%40ss@DB.Example.COM:6543/app')).toEqual({ protocol: 'postgresql:', hostname: 'db.example.com', port: 6543 });
    expect(parseConnString('https://u:p@api.example.com/v1')).toEqual({ protocol: 'https:', hostname: 'api.example.com', port: 443 });
    // What the resolver would read as loopback comes out as loopback, for the guard to refuse.
    expect(parseConnString('postgres://u:p@0x7f.1/app').hostname).toBe('127.0.0.1');
    expect(parseConnString('postgres://u:p@2130706433:5432/app').hostname).toBe('127.0.0.1');
    expect(parseConnString('postgres://u:p@[::ffff:127.0.0.1]:5432/app').hostname).toBe('[::ffff:7f00:1]');
    expect(parseConnString('postgres://u:p@%6c%6f%63%61%6c%68%6f%73%74/app').hostname).toBe('localhost');
  });

  it.each([
    ['db.example.com:5432', /URI/],
    ['host=db.example.com dbname=app', /URI/],
    ['mysql://u:p@db.example.com/app', /scheme mysql: is not allowed/],
    ['file:///etc/passwd', /scheme file: is not allowed/],
    ['gopher://127.0.0.1:70/', /scheme gopher: is not allowed/],
    ['redis://127.0.0.1:6379', /scheme redis: is not allowed/],
    ['postgres://u:p@h1:5432,h2:5432/app', /single host/],
    ['postgres://u:p@/app', /host/],
    ['postgres:///app?host=/var/run/postgresql', /host/],
    ['postgres://u:p@%2Fvar%2Frun%2Fpostgresql/app', /invalid host/],
    ['postgres://u:p@db.example.com/app?host=127.0.0.1', /parameter "host"/],
    ['postgres://u:p@db.example.com/app?hostaddr=127.0.0.1', /parameter "hostaddr"/],
    ['postgres://u:p@db.example.com/app?port=6379', /parameter "port"/],
    ['postgres://u:p@db.example.com/app?service=internal', /parameter "service"/],
    ['postgres://u:p@db.example.com/app?sslkey=/etc/shadow', /parameter "sslkey"/],
  ])('refuses %s', (value, reason) => {
    expect(() => parseConnString(value)).toThrow(ConnStringError);
    expect(() => parseConnString(value)).toThrow(reason);
  });

  it('never quotes the value (it holds a password) in a validation error', () => {
    const manifest = {
      id: 'pgtest',
      fields: [{ key: 'dsn', label: 'DSN', type: 'conn_string', secret: true, required: true }],
    } as unknown as Manifest;
    expect(validateFields(manifest, { dsn: 'postgres://u:s3cret@db.example.com/app' })).toEqual({ dsn: 'postgres://u:s3cret@db.example.com/app' });
    let message = '';
    try {
      validateFields(manifest, { dsn: 'postgres://u:s3cret@db.example.com/app?host=127.0.0.1' });
    } catch (error) {
      message = (error as Error).message;
      expect(error).toMatchObject({ code: 'validation_failed', field: 'fields.dsn' });
    }
    expect(message).toMatch(/^fields\.dsn parameter "host" is not allowed\.$/);
    expect(message).not.toContain('s3cret');
  });
});
