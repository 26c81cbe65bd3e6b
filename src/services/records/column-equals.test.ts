import { describe, expect, it } from 'vitest';
import { isAppError } from '../../contracts/errors.js';
import { TableShape } from '../../core/typed-columns/table-shape.js';
import { columnEquals } from './column-equals.js';

const shape = new TableShape([
  { name: 'title', path: ['title'], type: 'text', declared: true },
  { name: 'number', path: ['number'], type: 'bigint', declared: true },
  { name: 'amount', path: ['amount'], type: 'numeric', declared: false },
  { name: 'locked', path: ['locked'], type: 'boolean', declared: true },
  { name: 'created_at', path: ['created_at'], type: 'timestamptz', declared: true },
  { name: 'labels', path: ['labels'], type: 'jsonb', declared: true },
]);

const refusal = (filters: Record<string, string | number | boolean | null>): string => {
  try {
    columnEquals(shape, filters, 'stream "issues"');
  } catch (error) {
    if (isAppError(error)) return `${error.code} [${error.field}] ${error.message}`;
    throw error;
  }
  throw new Error('accepted');
};

describe('columnEquals', () => {
  it('turns each value into its column type as text for a cast', () => {
    expect(columnEquals(shape, { title: 7, number: '42', amount: 1.5, locked: false, created_at: '2024-05-01T12:30:00+02:00' }, 's')).toEqual([
      { column: 'title', type: 'text', value: '7' },
      { column: 'number', type: 'bigint', value: '42' },
      { column: 'amount', type: 'numeric', value: '1.5' },
      { column: 'locked', type: 'boolean', value: 'false' },
      { column: 'created_at', type: 'timestamptz', value: '2024-05-01T10:30:00.000Z' },
    ]);
  });

  it('refuses names that are not typed columns, jsonb equality and values a column cannot hold, naming the filter', () => {
    expect(refusal({ 'id; drop table x': 1 })).toMatch(/^validation_failed \[filters\.id; drop table x\] filters\.id; drop table x: .*filterable: title, number, amount, locked, created_at\)/);
    expect(refusal({ labels: 'bug' })).toMatch(/^validation_failed \[filters\.labels\] .*no equality filter/);
    expect(refusal({ labels: null })).toMatch(/no equality filter/);
    expect(refusal({ number: 1.5 })).toMatch(/^validation_failed \[filters\.number\] filters\.number: 1\.5 is not an integer/);
    expect(refusal({ number: '1e3' })).toMatch(/not an integer/);
    expect(refusal({ amount: 'lots' })).toMatch(/not a number/);
    expect(refusal({ locked: 'yes' })).toMatch(/not true or false/);
    expect(refusal({ created_at: 'yesterday' })).toMatch(/not an ISO 8601 date-time/);
    expect(refusal({ created_at: 5 })).toMatch(/not an ISO 8601 date-time/);
  });
});
