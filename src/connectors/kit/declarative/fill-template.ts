import { isObject, type QueryValue } from '../../../http-client/index.js';
import { valueAt } from './json-path.js';
import type { DescribedRequest, RequesterSpec } from './stream-spec.js';

/**
 * Filling a described request's templates. `{{config.<key>}}` reads the connection's config, `{{partition.<key>}}`
 * the partition being read, `{{cursor}}` the incremental position; `{{name|fallback}}` gives a value for when the
 * name has none. A missing value becomes empty text (and an empty query value leaves its parameter out), so optional
 * settings can name optional parameters; paths encode what they substitute.
 */
export interface TemplateValues {
  config: Record<string, unknown>;
  partition?: Record<string, unknown> | null;
  cursor?: string | null;
}

const PLACEHOLDER = /\{\{\s*([^{}|]*?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g;

function lookup(name: string, values: TemplateValues): unknown {
  if (name === 'cursor') return values.cursor ?? undefined;
  const dot = name.indexOf('.');
  const namespace = dot === -1 ? name : name.slice(0, dot);
  const key = name.slice(dot + 1);
  if (namespace === 'config') return valueAt(values.config, key);
  if (namespace === 'partition') return values.partition ? valueAt(values.partition, key) : undefined;
  return undefined;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The placeholders of a template that are not `config`, `partition` or `cursor`: a description mistake. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((match) => match[1] ?? '')
    .filter((name) => name !== 'cursor' && !name.startsWith('config.') && !name.startsWith('partition.'));
}

/**
 * A template filled in.
 *
 * @example
 * ```ts
 * fillTemplate('/calendars/{{partition.id}}/events', { config: {}, partition: { id: 'a b' } }, encodeURIComponent);
 * // '/calendars/a%20b/events'
 * fillTemplate('updated >= "{{cursor}}"', { config: {}, cursor: '2024-01-31 12:00' }); // 'updated >= "2024-01-31 12:00"'
 * ```
 */
export function fillTemplate(template: string, values: TemplateValues, encode?: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
    const found = text(lookup(name, values));
    const value = found === '' ? (fallback ?? '') : found;
    return encode ? encode(value) : value;
  });
}

/** A query of templates filled in; a value that comes out empty leaves its parameter out. */
export function fillQuery(query: Record<string, string | number | boolean>, values: TemplateValues): Record<string, QueryValue> {
  const filled: Record<string, QueryValue> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') filled[key] = value;
    else {
      const text = fillTemplate(value, values);
      if (text !== '') filled[key] = text;
    }
  }
  return filled;
}

/** A JSON body of templates filled in (strings anywhere in it). */
export function fillBody(body: unknown, values: TemplateValues): unknown {
  if (typeof body === 'string') return fillTemplate(body, values);
  if (Array.isArray(body)) return body.map((item) => fillBody(item, values));
  if (isObject(body)) return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, fillBody(value, values)]));
  return body;
}

/**
 * A described request with its templates filled: the path encoded, empty query values left out, `extraQuery`
 * (the cursor or token parameters of this read) merged over the described query.
 */
export function fillRequester(requester: RequesterSpec, values: TemplateValues, extraQuery: Record<string, string | number | boolean> = {}): DescribedRequest {
  return {
    method: requester.method,
    path: fillTemplate(requester.path, values, encodeURIComponent),
    query: fillQuery({ ...requester.query, ...extraQuery }, values),
    headers: Object.fromEntries(Object.entries(requester.headers).map(([name, value]) => [name, fillTemplate(value, values)])),
    ...(requester.body === undefined ? {} : { body: fillBody(requester.body, values) }),
  };
}
