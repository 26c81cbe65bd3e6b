import { describe, expect, it } from 'vitest';
import { issueSchema } from '../../connectors/github/schemas.js';
import { declaredColumns } from './schema-columns.js';

describe('declaredColumns', () => {
  const schema = {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      amount: { type: ['number', 'null'] },
      paid: { type: 'boolean' },
      created_at: { type: 'string', format: 'date-time' },
      title: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } },
      metadata: { type: 'object', additionalProperties: { type: 'string' } },
      user: { type: ['object', 'null'], properties: { login: { type: 'string' }, address: { type: 'object', properties: { city: { type: 'string' } } } } },
      either: { type: ['string', 'integer'] },
      untyped: { anyOf: [{ type: 'string' }] },
    },
  };

  it('maps JSON Schema types and formats to columns, flattening objects to the depth', () => {
    expect(declaredColumns(schema, 2)).toEqual([
      { path: ['id'], type: 'bigint' },
      { path: ['amount'], type: 'numeric' },
      { path: ['paid'], type: 'boolean' },
      { path: ['created_at'], type: 'timestamptz' },
      { path: ['title'], type: 'text' },
      { path: ['tags'], type: 'jsonb' },
      { path: ['metadata'], type: 'jsonb' },
      { path: ['user', 'login'], type: 'text' },
      { path: ['user', 'address', 'city'], type: 'text' },
      { path: ['either'], type: 'text' },
    ]);
  });

  it('keeps objects whole below the depth', () => {
    const columns = declaredColumns(schema, 1);
    expect(columns).toContainEqual({ path: ['user', 'address'], type: 'jsonb' });
    expect(declaredColumns(schema, 0)).toContainEqual({ path: ['user'], type: 'jsonb' });
  });

  it('reads a real connector schema', () => {
    const columns = declaredColumns(issueSchema, 2);
    expect(columns).toContainEqual({ path: ['number'], type: 'bigint' });
    expect(columns).toContainEqual({ path: ['created_at'], type: 'timestamptz' });
    expect(columns).toContainEqual({ path: ['user', 'login'], type: 'text' });
  });
});
