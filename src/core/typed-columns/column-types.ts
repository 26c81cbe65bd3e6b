/**
 * The typed columns of a record table: which Postgres types a column may have, what kind of JSON value a field
 * holds, whether that value fits a column as is, and the narrowest type that holds both.
 *
 * A value "fits" only when the database is certain to accept it: the write extracts typed values from the
 * payload in SQL (`(data #>> path)::bigint`), so a false "fits" would fail a whole batch. Anything doubtful is a
 * misfit, kept aside in the row's `_variants` instead.
 */
export const columnTypes = ['text', 'bigint', 'numeric', 'boolean', 'timestamptz', 'jsonb'] as const;
export type ColumnType = (typeof columnTypes)[number];

export type ValueKind = 'null' | 'boolean' | 'integer' | 'number' | 'datetime' | 'string' | 'object' | 'array';

// 2^63 as a double: integers strictly below it (and at or above its negation) fit a bigint.
const int64Limit = 9223372036854775808;

/**
 * An ISO 8601 date-time with a time of day, as APIs send them: `2024-05-01T12:30:00Z`, `2024-05-01 12:30:00.123+02:00`.
 * Dates alone and other spellings are plain strings: PostgreSQL accepts far more, but only these are certain.
 */
const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

function isDateTime(value: string): boolean {
  if (value.length > 40) return false;
  const m = dateTimePattern.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (year < 1 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  // Day 0 of the next month is the last day of this one (UTC, so leap years count).
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= daysInMonth;
}

export function kindOf(value: unknown): ValueKind {
  switch (typeof value) {
    case 'string':
      return value.length >= 16 && isDateTime(value) ? 'datetime' : 'string';
    case 'number':
      return Number.isInteger(value) && value < int64Limit && value >= -int64Limit ? 'integer' : 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return value === null ? 'null' : Array.isArray(value) ? 'array' : 'object';
    default:
      return 'null';
  }
}

export function fits(kind: ValueKind, type: ColumnType): boolean {
  if (kind === 'null' || type === 'text' || type === 'jsonb') return true;
  switch (type) {
    case 'bigint':
      return kind === 'integer';
    case 'numeric':
      return kind === 'integer' || kind === 'number';
    case 'boolean':
      return kind === 'boolean';
    case 'timestamptz':
      return kind === 'datetime';
  }
}

/** The column type a field is given from its first value. */
export function typeOfKind(kind: Exclude<ValueKind, 'null'>): ColumnType {
  switch (kind) {
    case 'integer':
      return 'bigint';
    case 'number':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'datetime':
      return 'timestamptz';
    case 'string':
      return 'text';
    case 'object':
    case 'array':
      return 'jsonb';
  }
}

/** The narrowest type holding everything `type` holds and a value of `kind`: bigint widens to numeric, anything else to text. */
export function widen(type: ColumnType, kind: ValueKind): ColumnType {
  if (fits(kind, type)) return type;
  if (type === 'bigint' && kind === 'number') return 'numeric';
  return 'text';
}

/** The narrowest type holding both (a schema's declared type and a column's current one). */
export function widenType(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  if ((a === 'bigint' && b === 'numeric') || (a === 'numeric' && b === 'bigint')) return 'numeric';
  return 'text';
}
