import { describe, expect, it } from 'vitest';
import { resolveTemplate } from './template.js';

describe('resolveTemplate', () => {
  const scope = { fields: { api_key: 'sk_123', 'a.b': 'dotted', n: 5 }, config: { subdomain: 'acme', nested: { region: 'eu' } } };

  it('substitutes fields and config', () => {
    expect(resolveTemplate('Bearer {{fields.api_key}}', scope)).toBe('Bearer sk_123');
    expect(resolveTemplate('https://{{ config.subdomain }}.example.com/{{fields.n}}', scope)).toBe('https://acme.example.com/5');
    expect(resolveTemplate('{{config.nested.region}} {{fields.a.b}}', scope)).toBe('eu dotted');
    expect(resolveTemplate('no placeholders', scope)).toBe('no placeholders');
  });

  it('throws naming the missing key, never a value', () => {
    expect(() => resolveTemplate('{{fields.token}} {{fields.api_key}}', scope)).toThrow(/fields\.token/);
    const message = (() => {
      try {
        resolveTemplate('{{fields.api_key}}:{{fields.secret}}', scope);
        return 'did not throw';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('fields.secret');
    expect(message).not.toContain('sk_123');
    expect(() => resolveTemplate('{{config.missing}}', { fields: {} })).toThrow(/config\.missing/);
  });

  it('rejects unknown namespaces', () => {
    expect(() => resolveTemplate('{{env.HOME}}', scope)).toThrow(/fields\.<key>/);
  });

  it('can encode values for use in a URL', () => {
    expect(resolveTemplate('/q/{{fields.q}}', { fields: { q: 'a b/c' } }, { encode: encodeURIComponent })).toBe('/q/a%20b%2Fc');
  });
});
