import { describe, expect, it } from 'vitest';
import { credentialDestinations, parseAllowedHosts } from './credential-destinations.js';
import { HttpError } from './http-error.js';

const base = { connectorId: 'github', patterns: ['api.github.com'], allowedHosts: [] as string[], allowPrivateHosts: [] as string[] };
const allows = (input: Partial<typeof base> & { exactHosts?: string[] }, url: string) => credentialDestinations({ ...base, ...input }).allows(new URL(url));

describe('credential destinations', () => {
  it("allows the manifest's hosts and the exact hosts it names, nothing else by default", () => {
    expect(allows({}, 'https://api.github.com/user')).toBe(true);
    expect(allows({}, 'https://github.acme.com/api/v3')).toBe(false);
    expect(allows({ exactHosts: ['github.com'] }, 'https://github.com/login/oauth/access_token')).toBe(true);
  });

  it('takes operator entries scoped to the connector or unscoped, with wildcards; other connectors\' entries do not count', () => {
    expect(allows({ allowedHosts: ['github=github.acme.com'] }, 'https://github.acme.com/api/v3')).toBe(true);
    expect(allows({ allowedHosts: ['jira=github.acme.com'] }, 'https://github.acme.com/api/v3')).toBe(false);
    expect(allows({ allowedHosts: ['*.acme.internal'] }, 'https://ghe.acme.internal/')).toBe(true);
    expect(allows({ allowedHosts: ['github=*.acme.internal'] }, 'https://a.b.acme.internal/')).toBe(false);
  });

  it('counts TRIBUTARY_ALLOW_PRIVATE_HOSTS entries by host and port', () => {
    expect(allows({ allowPrivateHosts: ['127.0.0.1:4010'] }, 'http://127.0.0.1:4010/')).toBe(true);
    expect(allows({ allowPrivateHosts: ['127.0.0.1:4010'] }, 'http://127.0.0.1:4011/')).toBe(false);
  });

  it('refuses with a stable code naming the host and the setting that allows it', () => {
    const policy = credentialDestinations(base);
    let error: unknown;
    try {
      policy.check(new URL('https://collector.example.net/token?client_secret=s3cr3t-value'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe('credential_host_not_allowed');
    expect((error as HttpError).message).toContain('TRIBUTARY_ALLOWED_HOSTS=github=collector.example.net');
    expect((error as HttpError).message).not.toContain('s3cr3t-value');
    try {
      policy.check(new URL('http://10.0.0.5:8080/'));
    } catch (e) {
      expect((e as HttpError).message).toContain('TRIBUTARY_ALLOW_PRIVATE_HOSTS=10.0.0.5:8080');
    }
  });

  it('refuses a malformed operator entry when parsed (at start)', () => {
    expect(() => parseAllowedHosts(['github=https://x.com'])).toThrow(/TRIBUTARY_ALLOWED_HOSTS entry/);
    expect(() => parseAllowedHosts(['*.com'])).toThrow(/two fixed labels/);
    expect(parseAllowedHosts([' github=GitHub.Acme.com ', 'x.example.org'])).toHaveLength(2);
  });
});
