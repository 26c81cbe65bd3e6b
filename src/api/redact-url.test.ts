import { describe, expect, it } from 'vitest';
import { redactUrl, refuseUnredactedCredentialRoute } from './redact-url.js';

describe('refuseUnredactedCredentialRoute', () => {
  it('accepts the webhook token route and routes without credential parameters', () => {
    expect(() => refuseUnredactedCredentialRoute({ url: '/api/v1/webhooks/:token' })).not.toThrow();
    expect(() => refuseUnredactedCredentialRoute({ url: '/api/v1/connections/:id/records/:stream' })).not.toThrow();
  });

  it('refuses a new token route that request logs would show in clear', () => {
    expect(() => refuseUnredactedCredentialRoute({ url: '/api/v1/magic-links/:token' })).toThrow(/credentialRouteSegments/);
    expect(() => refuseUnredactedCredentialRoute({ url: '/api/v1/invites/:inviteSecret/accept' })).toThrow(/inviteSecret/);
  });

  it('redacts what the route carries', () => {
    expect(redactUrl('/API/v1//Webhooks//whk_abc?accessToken=x')).toBe('/API/v1//Webhooks//[redacted]?accessToken=[redacted]');
  });
});
