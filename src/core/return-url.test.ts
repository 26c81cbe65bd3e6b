import { describe, expect, it } from 'vitest';
import { isAllowedReturnUrl } from './return-url.js';

describe('OAuth return URL allowlist', () => {
  const prefixes = ['https://app.example.com/oauth', 'https://admin.example.com'];
  const publicUrl = 'https://tributary.example.com';
  const allowed = (url: string) => isAllowedReturnUrl(url, prefixes, publicUrl);

  it('admits the public URL and listed prefixes at path-segment boundaries', () => {
    expect(allowed('https://tributary.example.com/ui')).toBe(true);
    expect(allowed('https://app.example.com/oauth')).toBe(true);
    expect(allowed('https://app.example.com/oauth/done?x=1')).toBe(true);
    expect(allowed('https://admin.example.com/anything')).toBe(true);
  });

  it('refuses look-alikes, other schemes, ports and credentials in the URL', () => {
    expect(allowed('https://app.example.com/oauthx')).toBe(false);
    expect(allowed('https://app.example.com.evil.net/oauth')).toBe(false);
    expect(allowed('https://app.example.com@evil.net/oauth')).toBe(false);
    expect(allowed('https://user@app.example.com/oauth')).toBe(false);
    expect(allowed('http://app.example.com/oauth')).toBe(false);
    expect(allowed('https://app.example.com:8443/oauth')).toBe(false);
    expect(allowed('javascript:alert(1)')).toBe(false);
    expect(allowed('/relative')).toBe(false);
  });
});
