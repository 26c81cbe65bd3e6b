import { describe, expect, it } from 'vitest';
import { isCredentialName } from './credential-names.js';
import { redactCredentialsDeep, redactCredentialsInText, redactUrlCredentials } from './redact-credentials.js';

describe('isCredentialName', () => {
  it('judges names by their words, in any case and with any separator', () => {
    for (const name of ['access_token', 'accessToken', 'ACCESS-TOKEN', 'api_key', 'apiKey', 'API-KEY', 'apikey', 'X-Api-Key', 'client_secret', 'clientSecret',
      'refresh_token', 'password', 'Passwd', 'auth', 'jwt', 'session', 'sessionId', 'sig', 'signature', 'X-Amz-Signature', 'X-Amz-Credential', 'hub.verify_token', 'private_key', 'Authorization']) {
      expect(isCredentialName(name), name).toBe(true);
    }
    for (const name of ['page', 'limit', 'per_page', 'cursor', 'status', 'author', 'monkey', 'sort', 'q', 'connector', 'since', 'message']) {
      expect(isCredentialName(name), name).toBe(false);
    }
  });

  it('counts OAuth code and state as credentials in URLs only', () => {
    expect(isCredentialName('code', 'url')).toBe(true);
    expect(isCredentialName('state', 'url')).toBe(true);
    expect(isCredentialName('code')).toBe(false);
  });
});

describe('redactUrlCredentials', () => {
  it('hides the webhook token whatever the case or repeated slashes', () => {
    expect(redactUrlCredentials('/api/v1/webhooks/tok123')).toBe('/api/v1/webhooks/[redacted]');
    expect(redactUrlCredentials('//api/v1/webhooks/tok123')).toBe('//api/v1/webhooks/[redacted]');
    expect(redactUrlCredentials('/API/V1/Webhooks/tok123?x=1')).toBe('/API/V1/Webhooks/[redacted]?x=1');
    expect(redactUrlCredentials('/api/v1/webhooks//tok123/')).toBe('/api/v1/webhooks//[redacted]/');
    expect(redactUrlCredentials('/api/v1/%57ebhooks/tok123')).toBe('/api/v1/%57ebhooks/[redacted]');
    expect(redactUrlCredentials('/api/v1/webhooks%2Ftok123')).toBe('/api/v1/[redacted]');
  });

  it('hides credential-named parameters in any spelling, and userinfo', () => {
    expect(redactUrlCredentials('/x?access_token=a&api_key=b&page=2&refresh_token=c&accessToken=d&API-KEY=e&Sig=f&code=g&state=h')).toBe(
      '/x?access_token=[redacted]&api_key=[redacted]&page=2&refresh_token=[redacted]&accessToken=[redacted]&API-KEY=[redacted]&Sig=[redacted]&code=[redacted]&state=[redacted]',
    );
    expect(redactUrlCredentials('https://user:pa55@host.example/p?client%5Fsecret=z#access_token=y&t=1')).toBe('https://[redacted]@host.example/p?client%5Fsecret=[redacted]#access_token=[redacted]&t=1');
  });
});

describe('redactCredentialsInText', () => {
  it('redacts URLs, pairs and bearer values inside free text', () => {
    const text = 'GET https://u:p@api.example/x?token=abc failed; body grant_type=refresh_token&refresh_token=r123 {"access_token":"zzz","code":"bad_key"} Authorization: Bearer abcdefgh123';
    const out = redactCredentialsInText(text);
    for (const leaked of ['u:p@', 'abc failed', 'r123', 'zzz', 'abcdefgh123']) expect(out).not.toContain(leaked);
    expect(out).toContain('"code":"bad_key"');
    expect(out).toContain('grant_type=refresh_token');
  });

  it('leaves prose after Bearer and Basic alone', () => {
    for (const prose of ['Basic authentication with passwords is deprecated', 'using Bearer auth (e.g. Authorization: Bearer Something)']) expect(redactCredentialsInText(prose)).toBe(prose);
    expect(redactCredentialsInText('Basic dXNlcjpwYXNz')).toBe('Basic [redacted]');
  });

  it('walks objects: credential-named strings and credential-shaped text', () => {
    expect(redactCredentialsDeep({ refresh_token: true, token: 'abc', nested: [{ url: 'https://h/?api_key=k' }], n: 1 })).toEqual({
      refresh_token: true,
      token: '[redacted]',
      nested: [{ url: 'https://h/?api_key=[redacted]' }],
      n: 1,
    });
  });
});
