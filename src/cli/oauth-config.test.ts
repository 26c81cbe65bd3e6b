import { describe, expect, it } from 'vitest';
import { readOAuthConfig } from './oauth-config.js';

describe('OAuth settings from the environment', () => {
  it('reads one app per connector and the return-URL prefixes', () => {
    const config = readOAuthConfig({
      TRIBUTARY_OAUTH_GITHUB_CLIENT_ID: 'Iv1.abc',
      TRIBUTARY_OAUTH_GITHUB_CLIENT_SECRET: 'shh',
      TRIBUTARY_OAUTH_GOOGLE_CALENDAR_CLIENT_ID: 'g-id',
      TRIBUTARY_OAUTH_GOOGLE_CALENDAR_CLIENT_SECRET: 'g-secret',
      TRIBUTARY_OAUTH_RETURN_URLS: 'https://app.example.com/done, https://admin.example.com',
    });
    expect(config.oauthApps).toEqual({ github: { clientId: 'Iv1.abc', clientSecret: 'shh' }, google_calendar: { clientId: 'g-id', clientSecret: 'g-secret' } });
    expect(config.oauthReturnUrls).toEqual(['https://app.example.com/done', 'https://admin.example.com']);
  });

  it('refuses a client id without its secret and a return URL that is not one', () => {
    expect(() => readOAuthConfig({ TRIBUTARY_OAUTH_GITHUB_CLIENT_ID: 'x' })).toThrow(/TRIBUTARY_OAUTH_GITHUB_CLIENT_SECRET/);
    expect(() => readOAuthConfig({ TRIBUTARY_OAUTH_RETURN_URLS: 'app.example.com' })).toThrow(/URL prefixes/);
  });
});
