import type { JsonPath, JsonRecord } from '../declarative/stream-spec.js';
import { isoSeconds } from './clock.js';
import { formatCursor, type CursorFormat } from './cursor-format.js';
import { setAt, valueAt } from '../declarative/json-path.js';
import { textForPattern } from './pattern-text.js';
import { hash32, Prng } from './prng.js';
import { issueTitle, paragraphs, pullRequestTitle } from './text.js';

/**
 * Records made from a stream's JSON schema, item by item from `(seed, stream, index)`: the same seed gives the
 * same records, whatever order they are asked for in. The primary key is unique per stream, the cursor field
 * holds the moment the store gives, and anything the schema cannot say comes from a per-field override.
 */

/**
 * A JSON schema as a manifest holds it (`json_schema` of a stream).
 *
 * @example
 * ```ts
 * const schema: JsonSchema = { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' } } };
 * ```
 */
export type JsonSchema = Record<string, unknown>;

/**
 * What a per-field override receives: the record's index, its generator (already used), and the record so far.
 *
 * @example
 * ```ts
 * const amount = ({ rng }: FieldOverrideContext) => 100 * rng.range(1, 500);
 * ```
 */
export interface FieldOverrideContext {
  index: number;
  rng: Prng;
  record: JsonRecord;
}
/**
 * Computes one field of a record; keyed by its dotted path in `SchemaRecordOptions.overrides`.
 *
 * @example
 * ```ts
 * const overrides: Record<string, FieldOverride> = { 'amount.currency': () => 'eur', name: ({ index }) => `Customer ${index + 1}` };
 * ```
 */
export type FieldOverride = (ctx: FieldOverrideContext) => unknown;

/**
 * What a stream's records are made from: its schema, the seed, its name, its key and cursor, overrides.
 *
 * @example
 * ```ts
 * const options: SchemaRecordOptions = { schema, seed: 42, stream: 'people', primaryKey: ['id'], cursorField: 'updated_at' };
 * ```
 */
export interface SchemaRecordOptions {
  /** The JSON schema of one record (the manifest stream's `json_schema`). */
  schema: JsonSchema;
  seed: number;
  /** The stream's name: two streams with one seed get different records. */
  stream: string;
  /** Field paths of the primary key; the first gets a value unique per index. */
  primaryKey?: string[];
  /** The incremental cursor field, set to the moment given to `record`. */
  cursorField?: JsonPath;
  cursorFormat?: CursorFormat;
  /** Other date-times fall in the `spreadSeconds` (default 180 days) before the record's cursor. */
  spreadSeconds?: number;
  overrides?: Record<string, FieldOverride>;
}

const maxDepth = 8;

/**
 * The generator of one stream's records.
 *
 * @example
 * ```ts
 * const people = new SchemaRecords({ schema: personSchema, seed: 42, stream: 'people', primaryKey: ['id'], cursorField: 'updated_at' });
 * const first = people.record(0, 1_700_000_000); // the same object for the same seed, every time
 * ```
 */
export class SchemaRecords {
  private readonly salt: number;
  private readonly idType: 'string' | 'integer';
  /** How the cursor field is written: as options say, else by its schema (an integer is Unix seconds). */
  readonly cursorFormat: CursorFormat;
  private readonly cursorSchema: JsonSchema | undefined;

  constructor(private readonly options: SchemaRecordOptions) {
    this.salt = stringHash(options.stream);
    const idSchema = options.primaryKey?.[0] === undefined ? undefined : schemaAt(options.schema, options.primaryKey[0]);
    this.idType = idSchema !== undefined && typesOf(idSchema).some((t) => t === 'integer' || t === 'number') ? 'integer' : 'string';
    const cursor = typeof options.cursorField === 'string' ? schemaAt(options.schema, options.cursorField) : undefined;
    this.cursorSchema = cursor;
    this.cursorFormat =
      options.cursorFormat ??
      (cursor === undefined ? 'iso' : typesOf(cursor).some((t) => t === 'integer' || t === 'number') ? 'unix_seconds' : cursor['format'] === 'date' ? 'date' : 'iso');
  }

  /** The record at `index` whose cursor field says `cursorAt` (epoch seconds). */
  record(index: number, cursorAt: number): JsonRecord {
    const rng = new Prng(hash32(this.options.seed, this.salt, index));
    const context = new Generation(rng, this.options.stream, cursorAt, this.options.spreadSeconds ?? 180 * 86_400);
    const generated = context.value(this.options.schema, '', 0);
    const record: JsonRecord = isPlainObject(generated) ? generated : {};
    const key = this.options.primaryKey?.[0];
    if (key !== undefined) setAt(record, key, this.idOf(index));
    if (this.options.cursorField !== undefined) {
      setAt(record, this.options.cursorField, this.cursorValue(cursorAt, index));
    }
    for (const [path, override] of Object.entries(this.options.overrides ?? {})) {
      setAt(record, path, override({ index, rng, record }));
    }
    return record;
  }

  /**
   * The cursor field's value for a moment: in the cursor format, as text when the schema says string, and in the
   * shape of the schema's pattern when it has one (Slack's `ts` `1717200000.000042`, Gmail's numeric `historyId`).
   */
  cursorValue(at: number, index: number): unknown {
    const value = formatCursor(at, this.cursorFormat);
    const schema = this.cursorSchema;
    if (schema === undefined || !typesOf(schema).includes('string') || typesOf(schema).some((t) => t === 'integer' || t === 'number')) return value;
    const text = String(value);
    const pattern = schema['pattern'];
    if (typeof pattern !== 'string' || safeTest(pattern, text)) return text;
    const candidates = [String(at), `${at}.${String(index % 1_000_000).padStart(6, '0')}`, String(at * 1000), isoSeconds(at)];
    return candidates.find((candidate) => safeTest(pattern, candidate)) ?? text;
  }

  /** The primary key's value at `index`: `index + 1` for an integer key, else a prefixed token unique per index. */
  idOf(index: number): string | number {
    if (this.idType === 'integer') return index + 1;
    const schema = schemaAt(this.options.schema, this.options.primaryKey?.[0] ?? 'id');
    const hex = hash32(this.options.seed, this.salt, index, 0x1d).toString(16).padStart(8, '0');
    if (schema?.['format'] === 'uuid') return uuidOf(hex, index);
    // A key that is a day or a moment (a report's period): one per index, back from the start of 2024.
    if (schema?.['format'] === 'date') return isoSeconds(1_704_067_200 - index * 86_400).slice(0, 10);
    if (schema?.['format'] === 'date-time') return isoSeconds(1_704_067_200 - index * 60);
    // The index in a fixed width keeps ids unique; the hash makes them look like a provider's.
    const unique = `${index.toString(36).padStart(6, '0')}${hex}`;
    const pattern = schema?.['pattern'];
    if (typeof pattern !== 'string') return `${prefixOf(this.options.stream)}_${unique}`;
    // A pattern (Stripe's `^in_`): its literal start, then something unique that still matches.
    const literal = /^\^?([A-Za-z0-9_:-]*)/.exec(pattern)?.[1] ?? '';
    const matches = (candidate: string) => safeTest(pattern, candidate);
    return [`${literal}${unique}`, `${literal}${index + 1}`, String(index + 1)].find(matches) ?? textForPattern(pattern, new Prng(hash32(this.options.seed, this.salt, index)), unique) ?? unique;
  }
}

/** One record's walk through the schema. */
class Generation {
  constructor(
    private readonly rng: Prng,
    private readonly stream: string,
    private readonly cursorAt: number,
    private readonly spread: number,
  ) {}

  value(schema: unknown, name: string, depth: number): unknown {
    if (!isPlainObject(schema) || depth > maxDepth) return null;
    if ('const' in schema) return schema['const'];
    if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return this.rng.pick(schema['enum']);
    if (Array.isArray(schema['examples']) && schema['examples'].length > 0) return this.rng.pick(schema['examples']);
    const branches = (schema['anyOf'] ?? schema['oneOf']) as unknown;
    if (Array.isArray(branches) && branches.length > 0) {
      const concrete = branches.filter((b) => !(isPlainObject(b) && b['type'] === 'null'));
      return concrete.length === 0 ? null : this.value(this.rng.pick(concrete), name, depth + 1);
    }
    const types = typesOf(schema);
    const nonNull = types.filter((t) => t !== 'null');
    // A nullable field is null now and then, so readers meet nulls; never the only shape.
    if (types.includes('null') && (nonNull.length === 0 || this.rng.chance(0.1))) return null;
    const type = nonNull.length === 0 ? (isPlainObject(schema['properties']) ? 'object' : 'string') : this.rng.pick(nonNull);
    switch (type) {
      case 'object':
        return this.object(schema, depth);
      case 'array':
        return this.array(schema, name, depth);
      case 'integer':
        return this.integer(schema);
      case 'number':
        return Math.round((this.integer(schema) + this.rng.next()) * 100) / 100;
      case 'boolean':
        return this.rng.chance(0.5);
      default:
        return this.string(schema, name);
    }
  }

  private object(schema: JsonSchema, depth: number): JsonRecord {
    const out: JsonRecord = {};
    const properties = isPlainObject(schema['properties']) ? schema['properties'] : {};
    for (const [key, property] of Object.entries(properties)) out[key] = this.value(property, key, depth + 1);
    return out;
  }

  private array(schema: JsonSchema, name: string, depth: number): unknown[] {
    const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
    const max = typeof schema['maxItems'] === 'number' ? schema['maxItems'] : Math.max(min, 3);
    const length = this.rng.range(min, Math.max(min, Math.min(max, min + 3)));
    return Array.from({ length }, () => this.value(schema['items'], singular(name), depth + 1));
  }

  private integer(schema: JsonSchema): number {
    const exclusiveMin = typeof schema['exclusiveMinimum'] === 'number' ? schema['exclusiveMinimum'] + 1 : 0;
    const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : exclusiveMin;
    const exclusiveMax = typeof schema['exclusiveMaximum'] === 'number' ? schema['exclusiveMaximum'] - 1 : min + 1000;
    const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : exclusiveMax;
    return this.rng.range(Math.ceil(min), Math.max(Math.ceil(min), Math.floor(max)));
  }

  private string(schema: JsonSchema, name: string): string {
    const rng = this.rng;
    if (typeof schema['pattern'] === 'string') {
      const text = textForPattern(schema['pattern'], rng, rng.hex(10));
      if (text !== null) return text;
    }
    const when = this.cursorAt - rng.int(this.spread);
    switch (schema['format']) {
      case 'date-time':
        return isoSeconds(when);
      case 'date':
        return isoSeconds(when).slice(0, 10);
      case 'email':
        return `${rng.pick(localParts)}.${rng.hex(4)}@example.com`;
      case 'uri':
      case 'url':
        return `https://example.com/${this.stream}/${rng.hex(10)}`;
      case 'uuid':
        return uuidOf(rng.hex(8), rng.nextUint32());
      default:
        return this.text(name, schema);
    }
  }

  /** Plausible text by the field's name: a title, a paragraph, an email; else a short phrase. */
  private text(name: string, schema: JsonSchema): string {
    const rng = this.rng;
    const key = name.toLowerCase();
    let text: string;
    if (/email/.test(key)) text = `${rng.pick(localParts)}.${rng.hex(4)}@example.com`;
    else if (/(^|_)(url|uri|link|href)$/.test(key)) text = `https://example.com/${this.stream}/${rng.hex(10)}`;
    else if (/(description|body|notes?|text|content|comment|message)$/.test(key)) text = paragraphs(rng, 80 + rng.int(160));
    else if (/(title|subject|summary)$/.test(key)) text = issueTitle(rng);
    else if (/(first_?name|given_?name)$/.test(key)) text = rng.pick(firstNames);
    else if (/(last_?name|family_?name|surname)$/.test(key)) text = rng.pick(lastNames);
    else if (/name$/.test(key)) text = `${rng.pick(firstNames)} ${rng.pick(lastNames)}`;
    else if (/currency$/.test(key)) text = rng.pick(['usd', 'eur', 'gbp', 'chf']);
    else if (/country/.test(key)) text = rng.pick(['US', 'DE', 'FR', 'GB', 'NL', 'CA']);
    else if (/(_id|^id)$/.test(key)) text = `${prefixOf(key)}_${rng.hex(12)}`;
    else text = pullRequestTitle(rng);
    const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
    const max = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Number.POSITIVE_INFINITY;
    return text.padEnd(min, 'x').slice(0, max);
  }
}

const localParts = ['ada', 'grace', 'alan', 'edsger', 'barbara', 'ken', 'margaret', 'linus', 'radia', 'donald'];
const firstNames = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Linus', 'Radia', 'Donald', 'Frances', 'John'];
const lastNames = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Hamilton', 'Torvalds', 'Perlman', 'Knuth'];

/** The schema of the property at a dotted path, or undefined. */
function schemaAt(schema: JsonSchema, path: string): JsonSchema | undefined {
  let current: unknown = schema;
  for (const segment of path.split('.')) {
    const properties = isPlainObject(current) ? current['properties'] : undefined;
    current = valueAt(properties, [segment]);
  }
  return isPlainObject(current) ? current : undefined;
}

function typesOf(schema: JsonSchema): string[] {
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function singular(name: string): string {
  return name.endsWith('s') ? name.slice(0, -1) : name;
}

function prefixOf(name: string): string {
  return (name.replace(/[^a-z]/gi, '').slice(0, 3) || 'rec').toLowerCase();
}

/** A version-4-shaped UUID whose last group holds `index`, so UUIDs from distinct indexes never collide. */
function uuidOf(hex8: string, index: number): string {
  const tail = (index >>> 0).toString(16).padStart(12, '0').slice(-12);
  return `${hex8}-${hex8.slice(0, 4)}-4${hex8.slice(4, 7)}-a${hex8.slice(5, 8)}-${tail}`;
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return false;
  }
}

/** A 32-bit hash of a string (a stream's salt). */
export function stringHash(text: string): number {
  return hash32(...Array.from(text, (c) => c.charCodeAt(0)));
}
