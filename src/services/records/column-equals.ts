import { AppError } from '../../contracts/errors.js';
import type { TableShape } from '../../core/typed-columns/table-shape.js';
import type { ColumnEquals } from '../../db/queries/records/change-feed.js';

/** What a reader may ask a typed column to equal: a JSON scalar, or null for "is null". */
export type ColumnFilterValue = string | number | boolean | null;

const integerText = /^-?\d{1,19}$/;
const numberText = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Equality filters checked against a table's typed columns and turned into values of each column's type: a name
 * that is not a typed column, a jsonb column, or a value its column cannot hold is `validation_failed` naming the
 * filter, so a reader (a model through MCP) learns what to fix instead of getting an empty page.
 */
export function columnEquals(shape: TableShape, filters: Record<string, ColumnFilterValue>, streamLabel: string): ColumnEquals[] {
  return Object.entries(filters).map(([name, value]) => {
    const field = `filters.${name}`;
    const column = shape.byName.get(name);
    if (!column) {
      const names = shape.columns.filter((c) => c.type !== 'jsonb').map((c) => c.name);
      throw new AppError('validation_failed', `${field}: "${name}" is not a typed column of ${streamLabel} (filterable: ${names.join(', ') || 'none yet'}).`, { field });
    }
    if (column.type === 'jsonb') throw new AppError('validation_failed', `${field}: "${name}" holds JSON objects or arrays, which have no equality filter.`, { field });
    const bad = (expected: string) => new AppError('validation_failed', `${field}: ${JSON.stringify(value)} is not ${expected} (the column's type is ${column.type}).`, { field });
    if (value === null) return { column: name, type: column.type, value: null };
    switch (column.type) {
      case 'text':
        return { column: name, type: column.type, value: String(value) };
      case 'bigint':
        if ((typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && integerText.test(value))) return { column: name, type: column.type, value: String(value) };
        throw bad('an integer');
      case 'numeric':
        if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && numberText.test(value))) return { column: name, type: column.type, value: String(value) };
        throw bad('a number');
      case 'boolean':
        if (typeof value === 'boolean') return { column: name, type: column.type, value: String(value) };
        if (value === 'true' || value === 'false') return { column: name, type: column.type, value };
        throw bad('true or false');
      case 'timestamptz': {
        const at = typeof value === 'string' && value.length <= 40 ? new Date(value) : new Date(Number.NaN);
        if (!Number.isNaN(at.getTime())) return { column: name, type: column.type, value: at.toISOString() };
        throw bad('an ISO 8601 date-time');
      }
    }
  });
}
