import { describe, expect, it } from 'vitest';
import { boundedSnippet, createScrubber, secretsFromHeaders } from './scrub-secrets.js';

describe('createScrubber', () => {
  const key = 'sk_test_51PLANTEDabcdefXYZ9';

  it('removes a secret whole, and a masked quote of it (head or tail shown) as a whole word', () => {
    const scrub = createScrubber([key]);
    expect(scrub(`Invalid API Key provided: sk_test_****************XYZ9`)).toBe('Invalid API Key provided: [REDACTED]');
    expect(scrub(`key ${key.slice(0, 10)}… was refused`)).toBe('key [REDACTED] was refused');
    expect(scrub(`echo ${encodeURIComponent(key)}!`)).toBe('echo [REDACTED]!');
    expect(scrub('nothing to hide here')).toBe('nothing to hide here');
  });

  it('also removes what the structure shows as a credential', () => {
    expect(createScrubber([])('see https://api.example/x?access_token=zzz')).toBe('see https://api.example/x?access_token=[redacted]');
  });

  it('cuts a snippet after scrubbing, so no head of a secret survives the cut', () => {
    const snippet = boundedSnippet(`${'x'.repeat(20)} ${key}`, [key], 24);
    expect(snippet).not.toContain('sk_test');
    expect(snippet.length).toBeLessThanOrEqual(24);
  });
});

describe('secretsFromHeaders', () => {
  it('takes credential-named headers whatever the spelling, and the value without its scheme', () => {
    expect(secretsFromHeaders({ 'X-API-KEY': 'k1', Authorization: 'Bearer t1', 'X-Auth-Token': 't2', Accept: 'json' })).toEqual(['k1', 'Bearer t1', 't1', 't2']);
  });
});
