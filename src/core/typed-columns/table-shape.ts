import type { ColumnType } from './column-types.js';

/** One typed column of a record table: where its values come from in the payload, and its type. */
export interface TypedColumn {
  name: string;
  /** The field's path in the payload (`['user', 'login']` for `user__login`). */
  path: string[];
  type: ColumnType;
  /**
   * Declared by the stream's JSON Schema: its type is a contract, so a value that does not fit is kept in the
   * row's `_variants` and the column keeps its type. Columns inferred from data widen instead.
   */
  declared: boolean;
}

/** Separates path segments in lookup keys; it cannot occur in a key PostgreSQL's jsonb accepts. */
export const pathSeparator = '\u0000';

export const pathKey = (path: readonly string[]): string => path.join(pathSeparator);

/**
 * A record table's typed columns as one process last saw them. Immutable: a change of shape makes a new one with
 * the next `version`, so a batch typed against an older shape knows to look again.
 */
export class TableShape {
  readonly byPath: ReadonlyMap<string, TypedColumn>;
  readonly byName: ReadonlyMap<string, TypedColumn>;

  constructor(
    readonly columns: readonly TypedColumn[],
    readonly version = 0,
  ) {
    this.byPath = new Map(columns.map((c) => [pathKey(c.path), c]));
    this.byName = new Map(columns.map((c) => [c.name, c]));
  }
}
