import { describe, expect, it } from 'vitest';
import { parseLinkHeader } from './link-header.js';

describe('parseLinkHeader', () => {
  it('reads GitHub-style links', () => {
    const header =
      '<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last"';
    expect(parseLinkHeader(header)).toEqual({
      next: 'https://api.github.com/repositories/1/issues?page=2',
      last: 'https://api.github.com/repositories/1/issues?page=5',
    });
  });

  it('handles empty and missing values', () => {
    expect(parseLinkHeader(undefined)).toEqual({});
    expect(parseLinkHeader(null)).toEqual({});
    expect(parseLinkHeader('')).toEqual({});
    expect(parseLinkHeader('garbage without brackets')).toEqual({});
  });

  it('accepts unquoted, upper-case and spaced parameters', () => {
    expect(parseLinkHeader('<https://x/2> ;  REL = NEXT')).toEqual({ next: 'https://x/2' });
  });

  it('registers every relation of a multi-valued rel', () => {
    expect(parseLinkHeader('<https://x/last>; rel="next last"')).toEqual({ next: 'https://x/last', last: 'https://x/last' });
  });

  it('keeps commas and semicolons inside the target and quoted parameters', () => {
    const header = '<https://x/items?ids=1,2;3&page=2>; title="a, b; c"; rel="next", <https://x/items?page=1>; rel=prev';
    expect(parseLinkHeader(header)).toEqual({ next: 'https://x/items?ids=1,2;3&page=2', prev: 'https://x/items?page=1' });
  });

  it('keeps the first link of a relation and the first rel of a link', () => {
    expect(parseLinkHeader('<https://x/a>; rel="next"; rel="prev", <https://x/b>; rel="next"')).toEqual({ next: 'https://x/a' });
  });

  it('keeps relative targets as written and skips links without rel', () => {
    expect(parseLinkHeader('</items?cursor=abc>; rel="next", <https://x/meta>; type="text/html"')).toEqual({ next: '/items?cursor=abc' });
  });

  it('survives escaped quotes and a malformed neighbour', () => {
    expect(parseLinkHeader('<https://x/1>; title="say \\"hi\\""; rel="next", <broken; rel="prev"')).toEqual({ next: 'https://x/1' });
  });
});
