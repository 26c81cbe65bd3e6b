import type { StreamManifest } from '../contracts/manifest.js';
import { flattenDepthFor } from '../core/typed-columns/flatten-depth.js';
import {
  defaultMaxColumns,
  hasShapeWork,
  planShape,
  RecordTyper,
  wantedFromObservations,
  type ShapeObservations,
  type ShapePlan,
} from '../core/typed-columns/record-typer.js';
import { declaredColumns } from '../core/typed-columns/schema-columns.js';
import type { TableShape, TypedColumn } from '../core/typed-columns/table-shape.js';
import type { Db } from '../db/db.js';
import type { RecordInput } from '../db/queries/records/commit-batch.js';
import type { RecordTable } from '../db/queries/records/record-tables.js';
import { applyTableShape, insertShapeEvents, loadTableShape, type ShapeEvent } from '../db/queries/table-shapes.js';

type Log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;

export interface TypedTableInput {
  db: Db;
  table: RecordTable;
  stream: StreamManifest;
  config: Record<string, unknown>;
  connectionId: string;
  runId: string;
  log: Log;
}

function describePlan(plan: ShapePlan): string {
  return plan.changes.map((c) => (c.kind === 'added' ? `+${c.column.name} ${c.column.type}` : `${c.column.name} ${c.oldType}→${c.column.type}`)).join(', ');
}

/**
 * A stream run's view of its table's typed columns. It holds the shape between batches (re-read at every stream
 * run, and under the lock whenever it changes, so columns another process added are picked up), brings the table
 * to what each batch needs before the batch is written, and records misfits once per column and run.
 */
export class TypedTable {
  private readonly loggedMisfits = new Set<string>();
  private cappedLogged = false;

  private constructor(
    private readonly input: TypedTableInput,
    readonly typer: RecordTyper,
  ) {}

  /** The table's columns as the stream's schema declares them, added or widened before the first batch. */
  static async open(input: TypedTableInput): Promise<TypedTable> {
    const depth = flattenDepthFor(input.config, input.stream.name);
    const declared = declaredColumns(input.stream.json_schema, depth).map((c) => ({ ...c, declared: true }));
    const loaded = await loadTableShape(input.db, input.table);
    let shape = loaded.shape;
    const plan = planShape(shape, declared, defaultMaxColumns);
    if (!loaded.ready || plan.changes.length > 0 || plan.nowDeclared.length > 0) {
      shape = await applyTableShape(input.db, {
        table: input.table,
        plan: (current) => planShape(current, declared, defaultMaxColumns),
        version: 0,
        connectionId: input.connectionId,
        runId: input.runId,
      });
      if (plan.changes.length > 0) input.log('info', `Table ${input.table.table}: ${describePlan(plan)}`);
    }
    return new TypedTable(input, new RecordTyper(shape, { depth, maxColumns: defaultMaxColumns }));
  }

  get columns(): readonly TypedColumn[] {
    return this.typer.shape.columns;
  }

  /**
   * Before a batch is written: the columns its records need (added, or widened when inferred from data), then the
   * records typed again if the shape changed since they were typed. Returns the columns to write.
   */
  async prepare(records: RecordInput[], observations: ShapeObservations, typedAgainst: number): Promise<readonly TypedColumn[]> {
    const { db, table, connectionId, runId, log } = this.input;
    if (hasShapeWork(observations)) {
      let applied: ShapePlan | null = null;
      const next: TableShape = await applyTableShape(db, {
        table,
        plan: (current) => (applied = planShape(current, wantedFromObservations(current, observations), defaultMaxColumns)),
        version: this.typer.shape.version + 1,
        connectionId,
        runId,
      });
      this.typer.shape = next;
      const plan = applied as ShapePlan | null;
      if (plan && plan.changes.length > 0) log('info', `Table ${table.table}: ${describePlan(plan)}`);
    }
    if (this.typer.shape.version !== typedAgainst) this.retypeAll(records);
    await this.recordMisfits(observations);
    return this.typer.shape.columns;
  }

  /** Re-reads the shape (a column dropped by hand, or changed by another process). */
  async reload(): Promise<void> {
    const { shape } = await loadTableShape(this.input.db, this.input.table, this.typer.shape.version + 1);
    this.typer.shape = shape;
  }

  /** After the shape changed: each record's variants against the new columns (rare, so parsing again is fine). */
  retypeAll(records: RecordInput[]): void {
    for (const record of records) record.variants = this.typer.type(JSON.parse(record.json) as Record<string, unknown>, record.id, null);
  }

  private async recordMisfits(observations: ShapeObservations): Promise<void> {
    const events: ShapeEvent[] = [];
    for (const [name, seen] of observations.misfits) {
      if (this.loggedMisfits.has(name)) continue;
      const column = this.typer.shape.byName.get(name);
      if (!column) continue;
      this.loggedMisfits.add(name);
      events.push({
        kind: 'variant',
        column: name,
        path: column.path,
        oldType: column.type,
        newType: column.type,
        exampleRecordId: seen.exampleId,
        detail: `a ${seen.kind} value does not fit ${column.type}: kept in _variants, the column stays NULL`,
      });
      this.input.log('warn', `Table ${this.input.table.table}: a ${seen.kind} value in ${name} (${column.type}) is kept in _variants`, { record_id: seen.exampleId });
    }
    if (observations.capped && !this.cappedLogged) {
      this.cappedLogged = true;
      events.push({
        kind: 'capped',
        column: null,
        path: observations.capped,
        oldType: null,
        newType: null,
        detail: `the table has ${defaultMaxColumns} typed columns: further fields stay in data only`,
      });
    }
    if (events.length > 0) await insertShapeEvents(this.input.db, this.input.table, events, this.input.connectionId, this.input.runId);
  }

  /** A batch the database refused to type (it should not happen: the typer is strict); recorded once. */
  async recordUntyped(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.input.log('warn', `Table ${this.input.table.table}: a batch could not be typed and was written with NULL typed columns: ${message.slice(0, 200)}`);
    await insertShapeEvents(
      this.input.db,
      this.input.table,
      [{ kind: 'variant', column: null, path: null, oldType: null, newType: null, detail: `a batch was written untyped: ${message.slice(0, 200)}` }],
      this.input.connectionId,
      this.input.runId,
    );
  }
}

