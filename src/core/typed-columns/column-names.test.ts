import { describe, expect, it } from 'vitest';
import { columnNameFor, preferredColumnName, snakeCase } from './column-names.js';

describe('column names', () => {
  it('snake_cases each path segment and joins nested ones with __', () => {
    expect(snakeCase('createdAt')).toBe('created_at');
    expect(snakeCase('HTMLUrl')).toBe('html_url');
    expect(snakeCase('Due Date')).toBe('due_date');
    expect(snakeCase('_links')).toBe('links');
    expect(preferredColumnName(['user', 'avatarUrl'])).toBe('user__avatar_url');
    expect(preferredColumnName(['2fa'])).toBe('f_2fa');
    expect(preferredColumnName(['名前'])).toBe('field');
  });

  it('never takes a system column', () => {
    expect(preferredColumnName(['id'])).toBe('source_id');
    expect(preferredColumnName(['updated_at'])).toBe('source_updated_at');
    expect(preferredColumnName(['data'])).toBe('source_data');
    expect(preferredColumnName(['_variants'])).toBe('variants');
  });

  it('numbers names that collide and shortens long ones with a hash of the path', () => {
    expect(columnNameFor(['a_b'], new Set())).toBe('a_b');
    expect(columnNameFor(['aB'], new Set(['a_b']))).toBe('a_b_2');
    expect(columnNameFor(['aB'], new Set(['a_b', 'a_b_2']))).toBe('a_b_3');
    const long = ['x'.repeat(40), 'y'.repeat(40)];
    const name = columnNameFor(long, new Set());
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(59);
    expect(name).not.toBe(columnNameFor([...long, 'z'], new Set()));
    expect(columnNameFor(long, new Set())).toBe(name);
  });
});
