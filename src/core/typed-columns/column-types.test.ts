import { describe, expect, it } from 'vitest';
import { fits, kindOf, widen, widenType } from './column-types.js';

describe('kindOf', () => {
  it('tells integers that fit a bigint from other numbers', () => {
    expect(kindOf(42)).toBe('integer');
    expect(kindOf(-9223372036854775808)).toBe('integer');
    expect(kindOf(9223372036854775807)).toBe('number'); // rounds to 2^63 as a double: out of range
    expect(kindOf(1.5)).toBe('number');
    expect(kindOf(1e21)).toBe('number');
  });

  it('accepts only real ISO date-times as datetime', () => {
    expect(kindOf('2024-05-01T12:30:00Z')).toBe('datetime');
    expect(kindOf('2024-05-01 12:30:00.123456+02:00')).toBe('datetime');
    expect(kindOf('2024-02-29T00:00:00Z')).toBe('datetime');
    expect(kindOf('2023-02-29T00:00:00Z')).toBe('string');
    expect(kindOf('2024-13-01T00:00:00Z')).toBe('string');
    expect(kindOf('2024-05-01T24:00:00Z')).toBe('string');
    expect(kindOf('2024-05-01')).toBe('string');
    expect(kindOf('not a date at all, really')).toBe('string');
  });

  it('names the other JSON kinds', () => {
    expect([kindOf(null), kindOf(true), kindOf('x'), kindOf({}), kindOf([])]).toEqual(['null', 'boolean', 'string', 'object', 'array']);
  });
});

describe('fits and widen', () => {
  it('lets through only what the cast is certain to accept', () => {
    expect(fits('integer', 'bigint')).toBe(true);
    expect(fits('number', 'bigint')).toBe(false);
    expect(fits('string', 'bigint')).toBe(false);
    expect(fits('integer', 'numeric')).toBe(true);
    expect(fits('string', 'timestamptz')).toBe(false);
    expect(fits('datetime', 'timestamptz')).toBe(true);
    expect(fits('object', 'text')).toBe(true);
    expect(fits('null', 'boolean')).toBe(true);
  });

  it('widens bigint to numeric and anything else to text', () => {
    expect(widen('bigint', 'number')).toBe('numeric');
    expect(widen('bigint', 'integer')).toBe('bigint');
    expect(widen('bigint', 'string')).toBe('text');
    expect(widen('timestamptz', 'string')).toBe('text');
    expect(widen('boolean', 'object')).toBe('text');
    expect(widenType('numeric', 'bigint')).toBe('numeric');
    expect(widenType('jsonb', 'bigint')).toBe('text');
  });
});
