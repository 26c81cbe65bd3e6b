import { emptyObservations, type RecordTyper, type ShapeObservations } from '../core/typed-columns/record-typer.js';
import { contentHash, type RecordInput } from '../db/queries/records/commit-batch.js';

/** Reads a dotted path (`fields.id`, already split) out of a record. */
function pick(record: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = record;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function keyOf(record: Record<string, unknown>, paths: readonly (readonly string[])[]): string | undefined {
  if (paths.length === 1) {
    const value = pick(record, paths[0]!);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  }
  const parts: string[] = [];
  for (const path of paths) {
    const value = pick(record, path);
    if (value === undefined || value === null || value === '') return undefined;
    parts.push(String(value));
  }
  return parts.join(':');
}

export function primaryKeyOf(record: Record<string, unknown>, primaryKey: readonly string[]): string | undefined {
  return keyOf(record, primaryKey.map((field) => field.split('.')));
}

/**
 * The records waiting for the next commit. A provider may return a record twice across a page boundary while
 * it is being modified; the batch keeps the last version, since one INSERT … ON CONFLICT cannot touch a row twice.
 */
export class RecordBatch {
  private readonly records = new Map<string, RecordInput>();
  private byteCount = 0;
  /** Records without a usable primary key: counted as failed, never written. */
  rejected = 0;

  /** The primary key's dotted paths, split once. */
  private readonly paths: readonly (readonly string[])[];

  /** What the batch's records showed about the table's shape (new fields, misfits), for the typed columns. */
  private observations: ShapeObservations = emptyObservations();
  /** The shape version the batch's first record was typed against. */
  private typedAgainst = -1;

  /** With a typer, each record's typed-column misfits are found as it is added (see core/typed-columns). */
  constructor(
    primaryKey: readonly string[],
    private readonly typer: RecordTyper | null = null,
  ) {
    this.paths = primaryKey.map((field) => field.split('.'));
  }

  add(record: Record<string, unknown>): void {
    const id = keyOf(record, this.paths);
    if (id === undefined) {
      this.rejected++;
      return;
    }
    const json = JSON.stringify(record);
    const previous = this.records.get(id);
    if (previous) {
      this.byteCount -= previous.json.length;
      this.records.delete(id);
    }
    let variants: string | null = null;
    if (this.typer) {
      if (this.records.size === 0) this.typedAgainst = this.typer.shape.version;
      variants = this.typer.type(record, id, this.observations);
    }
    this.records.set(id, { id, json, hash: contentHash(json), variants });
    this.byteCount += json.length;
  }

  get size(): number {
    return this.records.size;
  }

  get bytes(): number {
    return this.byteCount;
  }

  /** Hands over the buffered records and starts empty. */
  take(): { records: RecordInput[]; rejected: number; observations: ShapeObservations; typedAgainst: number } {
    const taken = { records: [...this.records.values()], rejected: this.rejected, observations: this.observations, typedAgainst: this.typedAgainst };
    this.observations = emptyObservations();
    this.records.clear();
    this.byteCount = 0;
    this.rejected = 0;
    return taken;
  }
}
