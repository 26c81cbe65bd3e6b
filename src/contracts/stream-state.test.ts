import { describe, expect, it } from 'vitest';
import { cursorKinds, handSetState } from './stream-state.js';

describe('hand-set cursor kinds', () => {
  const accepts = (kind: keyof typeof cursorKinds, cursor: string) => handSetState(cursorKinds[kind]).safeParse({ cursor }).success;

  it('isoDate takes dates and date-times, never free text or a bare number', () => {
    for (const ok of ['2024-01-31', '2024-01-31T12:00:00Z', '2024-01-31T12:00:00.123+02:00', '2024-01-31 12:00']) expect(accepts('isoDate', ok), ok).toBe(true);
    for (const bad of ['yesterday', '1', '1706659200', '2024-13-01', '2024-01-31T25:00:00Z', 'x2024-01-31', '']) expect(accepts('isoDate', bad), bad).toBe(false);
  });

  it("each provider's own cursor form, besides a date", () => {
    expect(accepts('unixSecondsOrIsoDate', '1706659200')).toBe(true);
    expect(accepts('unixSecondsOrIsoDate', '17066.59200')).toBe(false);
    expect(accepts('historyIdOrIsoDate', '184302')).toBe(true);
    expect(accepts('historyIdOrIsoDate', 'abc')).toBe(false);
    expect(accepts('slackTsOrIsoDate', '1706659200.000100')).toBe(true);
    expect(accepts('slackTsOrIsoDate', '1706659200.0001000')).toBe(false);
    expect(accepts('deltaLinkOrIsoDate', 'https://graph.microsoft.com/v1.0/me/messages/delta?$deltatoken=abc')).toBe(true);
    expect(accepts('deltaLinkOrIsoDate', 'ftp://graph/x')).toBe(false);
    for (const kind of Object.keys(cursorKinds) as (keyof typeof cursorKinds)[]) expect(accepts(kind, '2024-01-31T00:00:00Z'), kind).toBe(true);
  });

  it('says what was expected', () => {
    const result = handSetState(cursorKinds.slackTsOrIsoDate).safeParse({ cursor: 'soon' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/Slack message ts .* or an ISO 8601 date/);
  });
});
