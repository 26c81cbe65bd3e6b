import { describe, expect, it } from 'vitest';
import { ManifestSchema, type Manifest } from '../contracts/manifest.js';
import { manifest as slackManifest } from '../connectors/slack/manifest.js';
import { manifest as githubManifest } from '../connectors/github/manifest.js';
import { validateConfig } from './connection-input.js';
import { paceFor } from './request-pace.js';

const slack: Manifest = ManifestSchema.parse(slackManifest);
const github: Manifest = ManifestSchema.parse(githubManifest);

describe('requests_per_second', () => {
  it("is the manifest's pace unless the connection sets its own", () => {
    expect(paceFor(slack, {})).toEqual({ requestsPerSecond: 0.8, burst: 50 });
    expect(paceFor(slack, { requests_per_second: 0.016 })).toEqual({ requestsPerSecond: 0.016, burst: 50 });
    expect(paceFor(github, { requests_per_second: 3 })).toBeUndefined();
  });

  it('is checked when a connection is saved: a positive number (text from a form too), only for a paced connector', () => {
    expect(validateConfig(slack, { requests_per_second: '2.5' })).toEqual({ requests_per_second: 2.5 });
    for (const bad of [0, -1, 'fast', 5000, {}]) {
      expect(() => validateConfig(slack, { requests_per_second: bad })).toThrow(/config\.requests_per_second must be a number/);
    }
    expect(() => validateConfig(github, { requests_per_second: 2 })).toThrow(/not paced/);
    expect(validateConfig(slack, { requests_per_second: '' })).toEqual({});
  });
});
