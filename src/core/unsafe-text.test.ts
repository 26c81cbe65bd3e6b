import { describe, expect, it } from 'vitest';
import { describePath, findUnsafeText, textProblem } from './unsafe-text.js';

describe('unsafe text', () => {
  it('finds NUL and lone surrogates, and lets well-formed unicode through', () => {
    expect(textProblem('a\u0000b')).toBe('nul');
    expect(textProblem('\ud800')).toBe('lone_surrogate');
    expect(textProblem('x\udc00')).toBe('lone_surrogate');
    expect(textProblem('\udc00\ud800')).toBe('lone_surrogate');
    expect(textProblem('💥 Ωmega, naïve, 日本')).toBeUndefined();
    expect(textProblem('')).toBeUndefined();
  });

  it('walks objects and arrays at any depth, keys included, and names the path', () => {
    expect(findUnsafeText({ a: [1, { b: 'ok' }, { c: 'x\u0000' }] })).toEqual({ problem: 'nul', path: ['a', 2, 'c'] });
    expect(findUnsafeText({ config: { '\ud800': 1 } })).toEqual({ problem: 'lone_surrogate', path: ['config', '\ud800'] });
    expect(findUnsafeText({ a: 1, b: [true, null, 2.5], c: { d: '💥' } })).toBeUndefined();
    expect(findUnsafeText('a\u0000')).toEqual({ problem: 'nul', path: [] });
  });

  it('stops at a depth limit without recursing', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeText(deep, 64)).toMatchObject({ problem: 'too_deep' });
    let shallow: unknown = 'bottom';
    for (let i = 0; i < 10; i++) shallow = { a: shallow };
    expect(findUnsafeText(shallow, 64)).toBeUndefined();
  });

  it('shows unstorable characters in a path as escapes', () => {
    expect(describePath(['config', 'k\u0000', 0])).toBe('config.k\\u0000.0');
    expect(describePath(['\ud800💥'])).toBe('\\ud800💥');
    expect(describePath(['x'.repeat(100)])).toHaveLength(60);
  });
});
