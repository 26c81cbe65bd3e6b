import { describe, expect, it } from 'vitest';
import { hostPatternProblem } from '../contracts/host-pattern.js';
import { compileHostPattern } from './host-pattern.js';

describe('host patterns', () => {
  it('matches an exact host, normalised (case, trailing dot), and nothing around it', () => {
    const match = compileHostPattern('api.github.com');
    expect(match('api.github.com')).toBe(true);
    expect(match('API.GitHub.com.')).toBe(true);
    for (const host of ['github.com', 'evil.api.github.com', 'api.github.com.evil.net', 'api-github.com', 'apixgithub.com']) expect(match(host), host).toBe(false);
  });

  it('a wildcard is one label, never the bare domain or a deeper name', () => {
    const match = compileHostPattern('*.atlassian.net');
    expect(match('acme.atlassian.net')).toBe(true);
    expect(match('acme-2.atlassian.net')).toBe(true);
    for (const host of ['atlassian.net', 'a.b.atlassian.net', 'acme.atlassian.net.evil.com', 'acmeatlassian.net', 'acme.atlassian.network']) expect(match(host), host).toBe(false);
  });

  it('a placeholder stands for letters, digits and hyphens inside its label only', () => {
    const match = compileHostPattern('{subdomain}.zendesk.com');
    expect(match('acme.zendesk.com')).toBe(true);
    for (const host of ['zendesk.com', 'a.b.zendesk.com', 'acme.zendesk.com.evil.io', 'acme_x.zendesk.com']) expect(match(host), host).toBe(false);
    const inLabel = compileHostPattern('api-{region}.example.com');
    expect(inLabel('api-eu1.example.com')).toBe(true);
    expect(inLabel('api-.example.com')).toBe(false);
    expect(inLabel('xapi-eu.example.com')).toBe(false);
    expect(inLabel('api-eu.sub.example.com')).toBe(false);
  });

  it('IP literals match exactly, IPv6 in brackets', () => {
    expect(compileHostPattern('127.0.0.1')('127.0.0.1')).toBe(true);
    expect(compileHostPattern('127.0.0.1')('127.0.0.2')).toBe(false);
    expect(compileHostPattern('[::1]')('[::1]')).toBe(true);
    expect(compileHostPattern('[::1]')('::1')).toBe(true);
  });

  it('refuses patterns that are not hosts or that would open a whole top-level domain', () => {
    for (const bad of ['*.com', '{x}.co', '*', 'a.*.example.com', 'https://api.github.com', 'api.github.com:443', 'api.github.com/x', 'API.github.com', '', ' x.com', 'x..com', '{1x}.example.com', 'foo.{x}.com'])
      expect(hostPatternProblem(bad), bad).not.toBeNull();
    for (const good of ['api.github.com', '*.atlassian.net', '{subdomain}.zendesk.com', 'localhost', '127.0.0.1', 'a.{b}.example.com']) expect(hostPatternProblem(good), good).toBeNull();
  });
});
