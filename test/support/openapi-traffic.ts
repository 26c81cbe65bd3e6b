import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { formObjectOf, keyPath, nestedValue, pairsOf } from './openapi-params.js';
import { jsonSchemaDialectOf } from './openapi-schema-dialect.js';
import type { RecordedExchange } from '../../src/connectors/kit/sandbox/index.js';

/**
 * Checks recorded HTTP traffic against a vendor's OpenAPI document (3.0 or 3.1): that each request is one the
 * document allows (an operation for its method and path, only declared query parameters, required parameters
 * present, every parameter and body valid for its schema) and that each response body matches the schema the
 * document gives for its status. Used by the vendor-fidelity suite (test/vendor-fidelity/) on what a connector
 * sends to its sandbox and what the sandbox answers. Swagger 2.0 documents (Slack's) are converted to 3.0 when
 * they are extracted (test/vendor-specs/extract.ts), so they arrive here as 3.0.
 *
 * Each violation is one line naming the method, the path, the operation and what is wrong.
 */

/** One request and its response, as `GET /_sandbox/exchanges` lists them (the sandbox kit's record). */
export type TrafficExchange = RecordedExchange;

export interface TrafficValidatorOptions {
  /**
   * The path prefix the document's paths sit under; default: the path of its first `servers` URL (Slack's
   * `/api`, none for GitHub and Stripe). A recorded path that starts with it is matched without it.
   */
  basePath?: string;
  /**
   * Paths the vendor serves but its document does not list, rewritten to the documented path they alias
   * before matching, so their parameters and answers are still checked (GitHub's pagination links point at
   * `/repositories/{id}/issues`, the same list as `/repos/{owner}/{repo}/issues`). Each needs a reason.
   */
  pathAliases?: { pattern: RegExp; replacement: string; why: string }[];
  /** Report every schema error of a body, not only the first (slower; for working through a new provider). */
  allErrors?: boolean;
  /** How many schema errors one violation names (default 4). */
  errorsShown?: number;
}

type Json = Record<string, unknown>;

interface Located<T = Json> {
  value: T;
  pointer: string;
}

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  literalLength: number;
  operation: Located;
  pathItem: Located;
}

interface Parameter {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  required: boolean;
  style?: string;
  explode?: boolean;
  schemaPointer: string | null;
  schema: Json | null;
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** Header parameters OpenAPI says are ignored: the HTTP machinery and security schemes own them (§4.8.12.1). */
const ignoredHeaders = new Set(['accept', 'content-type', 'authorization']);
const docId = 'https://openapi.invalid/document.json';

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const escapeToken = (token: string) => encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * A validator for one vendor document; `validate` one exchange, or `validateAll` a recording.
 *
 * @example
 * ```ts
 * const validator = new OpenApiTrafficValidator(JSON.parse(readFileSync('test/vendor-specs/github.json', 'utf8')));
 * expect(validator.validateAll(exchanges)).toEqual([]);
 * ```
 */
export class OpenApiTrafficValidator {
  private readonly document: Json;
  private readonly operations: Operation[] = [];
  private readonly strict: Ajv | Ajv2020;
  private readonly coercing: Ajv | Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly basePath: string;
  private readonly aliases: NonNullable<TrafficValidatorOptions['pathAliases']>;
  private readonly errorsShown: number;

  constructor(document: Json, options: TrafficValidatorOptions = {}) {
    const version = String(document.openapi ?? document.swagger ?? '');
    if (version.startsWith('3.1')) {
      this.document = document;
      this.strict = withFormats(new Ajv2020(ajvOptions(false, options.allErrors)));
      this.coercing = withFormats(new Ajv2020(ajvOptions(true, options.allErrors)));
    } else if (version.startsWith('3.0')) {
      this.document = jsonSchemaDialectOf(document);
      this.strict = withFormats(new Ajv(ajvOptions(false, options.allErrors)));
      this.coercing = withFormats(new Ajv(ajvOptions(true, options.allErrors)));
    } else {
      throw new Error(`OpenAPI ${version || '(no version)'} is not supported: convert Swagger 2.0 to 3.0 at extraction time`);
    }
    this.strict.addSchema(this.document, docId);
    this.coercing.addSchema(this.document, docId);
    this.basePath = (options.basePath ?? serverBasePath(this.document)).replace(/\/+$/, '');
    this.aliases = options.pathAliases ?? [];
    this.errorsShown = options.errorsShown ?? 4;
    this.indexOperations();
  }

  /** Every violation in a recording, in order. */
  validateAll(exchanges: readonly TrafficExchange[]): string[] {
    return exchanges.flatMap((exchange) => this.validate(exchange));
  }

  /** The violations of one exchange: its request, then its response. */
  validate(exchange: TrafficExchange): string[] {
    const method = exchange.method.toLowerCase();
    const stripped = this.basePath !== '' && exchange.path.startsWith(`${this.basePath}/`) ? exchange.path.slice(this.basePath.length) : exchange.path;
    const alias = this.aliases.find((a) => a.pattern.test(stripped));
    const path = alias ? stripped.replace(alias.pattern, alias.replacement) : stripped;
    const label = `${exchange.method.toUpperCase()} ${exchange.path}`;
    const op = this.match(method, path);
    if (!op) return [`${label}: no operation in the document matches ${exchange.method.toUpperCase()} ${path}`];
    const name = `${label} (${String(op.operation.value.operationId ?? `${method} ${op.template}`)})`;
    const match = op.regex.exec(path)!;
    const pathValues = new Map(op.names.map((n, i) => [n, safeDecode(match[i + 1] ?? '')]));
    const params = this.parametersOf(op);
    return [
      ...this.checkPathParameters(params, pathValues),
      ...this.checkQuery(params, exchange.query),
      ...this.checkHeaders(params, exchange.requestHeaders),
      ...this.checkRequestBody(op, exchange),
      ...this.checkResponse(op, exchange),
    ].map((v) => `${name}: ${v}`);
  }

  private indexOperations(): void {
    const paths = this.document.paths;
    if (!isObject(paths)) return;
    for (const [template, rawItem] of Object.entries(paths)) {
      const pathItem = this.resolve({ value: rawItem as Json, pointer: `#/paths/${escapeToken(template)}` });
      const names: string[] = [];
      const pattern = template
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const param = /^\{([^}]+)\}$/.exec(part);
          if (param) {
            names.push(param[1]!);
            return '([^/]+)';
          }
          return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('');
      const literalLength = template.replace(/\{[^}]+\}/g, '').length;
      for (const method of methods) {
        const operation = pathItem.value[method];
        if (!isObject(operation)) continue;
        this.operations.push({
          method,
          template,
          regex: new RegExp(`^${pattern}/?$`),
          names,
          literalLength,
          operation: { value: operation, pointer: `${pathItem.pointer}/${method}` },
          pathItem,
        });
      }
    }
    // A concrete path wins over a template that also matches it (`/user/repos` over `/user/{id}`).
    this.operations.sort((a, b) => b.literalLength - a.literalLength);
  }

  private match(method: string, path: string): Operation | undefined {
    return this.operations.find((op) => op.method === method && op.regex.test(path));
  }

  private resolve(located: Located): Located {
    let current = located;
    for (let hops = 0; hops < 20 && isObject(current.value) && typeof current.value.$ref === 'string'; hops++) {
      const ref = current.value.$ref as string;
      if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, not ${ref}`);
      let value: unknown = this.document;
      for (const token of ref.slice(2).split('/')) {
        const key = decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~');
        value = isObject(value) || Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
      }
      if (value === undefined) throw new Error(`unresolvable $ref ${ref}`);
      current = { value: value as Json, pointer: `#/${ref.slice(2).split('/').map((t) => encodeURIComponent(decodeURIComponent(t))).join('/')}` };
    }
    return current;
  }

  private parametersOf(op: Operation): Parameter[] {
    const byKey = new Map<string, Parameter>();
    for (const owner of [op.pathItem, op.operation]) {
      const list = owner.value.parameters;
      if (!Array.isArray(list)) continue;
      list.forEach((raw, index) => {
        const param = this.resolve({ value: raw as Json, pointer: `${owner.pointer}/parameters/${index}` });
        const p = param.value;
        const location = p.in as Parameter['in'];
        const schema = isObject(p.schema) ? this.resolve({ value: p.schema, pointer: `${param.pointer}/schema` }) : null;
        byKey.set(`${location}:${location === 'header' ? String(p.name).toLowerCase() : String(p.name)}`, {
          name: String(p.name),
          in: location,
          required: p.required === true || location === 'path',
          ...(typeof p.style === 'string' ? { style: p.style } : {}),
          ...(typeof p.explode === 'boolean' ? { explode: p.explode } : {}),
          schemaPointer: isObject(p.schema) ? `${param.pointer}/schema` : null,
          schema: schema?.value ?? null,
        });
      });
    }
    return [...byKey.values()];
  }

  private checkPathParameters(params: Parameter[], values: Map<string, string>): string[] {
    return params
      .filter((p) => p.in === 'path')
      .flatMap((p) => {
        const value = values.get(p.name);
        if (value === undefined) return [`path parameter "${p.name}" is declared but not in the path template`];
        return this.checkValue(p, value, `path parameter "${p.name}"`);
      });
  }

  private checkQuery(params: Parameter[], raw: string): string[] {
    const pairs = pairsOf(raw);
    const consumed = new Set<number>();
    const violations: string[] = [];
    for (const p of params.filter((q) => q.in === 'query')) {
      const style = p.style ?? 'form';
      const explode = p.explode ?? style === 'form';
      let value: unknown;
      if (style === 'deepObject') {
        // Bracketed keys spell the object (`created[gt]=5`); a bare `created=5` is the scalar branch of a schema
        // such as Stripe's `anyOf: [range, integer]` (deepObject leaves primitives undefined, so the schema decides).
        const entries: { path: string[]; value: string }[] = [];
        pairs.forEach((pair, index) => {
          const [root, ...path] = keyPath(pair.key);
          if (root !== p.name) return;
          consumed.add(index);
          entries.push({ path, value: pair.value });
        });
        if (entries.length > 0) value = nestedValue(entries);
      } else {
        const values: string[] = [];
        pairs.forEach((pair, index) => {
          if (pair.key !== p.name) return;
          consumed.add(index);
          values.push(pair.value);
        });
        if (values.length > 0) {
          if (schemaAllowsArray(p.schema, (s) => this.resolve({ value: s, pointer: '' }).value)) {
            value = explode ? values : values.flatMap((v) => v.split(','));
          } else if (values.length > 1) {
            violations.push(`query parameter "${p.name}" is sent ${values.length} times but is not an array`);
            value = values[0];
          } else {
            value = values[0];
          }
        }
      }
      if (value === undefined) {
        if (p.required) violations.push(`required query parameter "${p.name}" is missing`);
        continue;
      }
      violations.push(...this.checkValue(p, value, `query parameter "${p.name}"`));
    }
    pairs.forEach((pair, index) => {
      if (!consumed.has(index)) violations.push(`query parameter "${pair.key}" is not declared`);
    });
    return violations;
  }

  private checkHeaders(params: Parameter[], headers: Record<string, string>): string[] {
    const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return params
      .filter((p) => p.in === 'header' && !ignoredHeaders.has(p.name.toLowerCase()))
      .flatMap((p) => {
        const value = lower.get(p.name.toLowerCase());
        if (value === undefined) return p.required ? [`required header "${p.name}" is missing`] : [];
        return this.checkValue(p, value, `header "${p.name}"`);
      });
  }

  /** Parameter values arrive as text: validated with type coercion, as the vendor's server parses them. */
  private checkValue(p: Parameter, value: unknown, what: string): string[] {
    if (p.schemaPointer === null) return [];
    const validate = this.compile(this.coercing, `coerce:${p.schemaPointer}`, {
      type: 'object',
      properties: { value: { $ref: `${docId}${p.schemaPointer}` } },
    });
    const data = { value: structuredClone(value) };
    return validate(data) ? [] : [`${what} ${JSON.stringify(value)} is invalid: ${describeErrors(validate.errors, this.errorsShown)}`];
  }

  private checkRequestBody(op: Operation, exchange: TrafficExchange): string[] {
    const declared = isObject(op.operation.value.requestBody)
      ? this.resolve({ value: op.operation.value.requestBody, pointer: `${op.operation.pointer}/requestBody` })
      : null;
    if (exchange.requestBody.trim() === '') {
      return declared?.value.required === true ? ['the required request body is missing'] : [];
    }
    if (!declared) return ['sends a request body, but the operation declares none'];
    const contentType = mediaTypeOf(exchange.requestHeaders);
    const content = isObject(declared.value.content) ? declared.value.content : {};
    const media = pickMedia(content, contentType);
    if (!media) return [`request content type "${contentType}" is not one of ${Object.keys(content).join(', ')}`];
    const schemaPointer = `${declared.pointer}/content/${escapeToken(media)}/schema`;
    if (!isObject((content[media] as Json | undefined)?.schema)) return [];
    if (/json/.test(media)) {
      const parsed = parseJson(exchange.requestBody);
      if (parsed === undefined) return ['the request body is not JSON'];
      return this.checkSchema(this.strict, schemaPointer, parsed, 'request body');
    }
    if (media === 'application/x-www-form-urlencoded') {
      return this.checkSchema(this.coercing, schemaPointer, formObjectOf(exchange.requestBody), 'request body');
    }
    return [];
  }

  private checkResponse(op: Operation, exchange: TrafficExchange): string[] {
    const responses = isObject(op.operation.value.responses) ? op.operation.value.responses : {};
    const status = String(exchange.status);
    const key = [status, `${status[0]}XX`, `${status[0]}xx`, 'default'].find((k) => k in responses);
    if (key === undefined) return [`response status ${status} is not declared (declares ${Object.keys(responses).join(', ')})`];
    const response = this.resolve({ value: responses[key] as Json, pointer: `${op.operation.pointer}/responses/${escapeToken(key)}` });
    const content = isObject(response.value.content) ? response.value.content : null;
    if (!content || exchange.responseBody.trim() === '') return [];
    const contentType = mediaTypeOf(exchange.responseHeaders);
    const media = pickMedia(content, contentType);
    if (!media) return [`response ${status} content type "${contentType}" is not one of ${Object.keys(content).join(', ')}`];
    if (!isObject((content[media] as Json | undefined)?.schema) || !/json/.test(media)) return [];
    const parsed = parseJson(exchange.responseBody);
    if (parsed === undefined) return [`response ${status} body is not JSON`];
    return this.checkSchema(this.strict, `${response.pointer}/content/${escapeToken(media)}/schema`, parsed, `response ${status} body`);
  }

  private checkSchema(ajv: Ajv | Ajv2020, pointer: string, data: unknown, what: string): string[] {
    const validate = this.compile(ajv, `${ajv === this.strict ? 'strict' : 'coerce'}:${pointer}`, { $ref: `${docId}${pointer}` });
    return validate(data) ? [] : [`${what} is invalid: ${describeErrors(validate.errors, this.errorsShown)}`];
  }

  private compile(ajv: Ajv | Ajv2020, key: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

function ajvOptions(coerce: boolean, allErrors = false): Options {
  // Vendor documents carry OpenAPI-only keywords (example, discriminator, x-…) and formats of their own
  // (unix-time, repo.nwo): strict mode would reject them; unknown formats are not checked.
  return { strict: false, allErrors, validateSchema: false, logger: false, ...(coerce ? { coerceTypes: 'array' as const } : {}) };
}

function withFormats<A extends Ajv | Ajv2020>(ajv: A): A {
  const addFormats = ((ajvFormats as { default?: unknown }).default ?? ajvFormats) as unknown as (a: A) => void;
  addFormats(ajv);
  return ajv;
}

function serverBasePath(document: Json): string {
  const servers = document.servers;
  const first = Array.isArray(servers) && isObject(servers[0]) ? servers[0].url : undefined;
  if (typeof first !== 'string') return '';
  try {
    return new URL(first, 'https://base.invalid').pathname;
  } catch {
    return '';
  }
}

function schemaAllowsArray(schema: Json | null, resolve: (s: Json) => Json): boolean {
  if (!schema) return false;
  const s = resolve(schema);
  if (s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'))) return true;
  return ['anyOf', 'oneOf', 'allOf'].some((k) => Array.isArray(s[k]) && (s[k] as Json[]).some((sub) => isObject(sub) && schemaAllowsArray(sub, resolve)));
}

function mediaTypeOf(headers: Record<string, string>): string {
  const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type');
  return (entry?.[1] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The document's media type for a sent one: exact, then `type/*`, then `*\/*`. */
function pickMedia(content: Json, contentType: string): string | undefined {
  const keys = Object.keys(content);
  return (
    keys.find((k) => k.toLowerCase() === contentType) ??
    keys.find((k) => k.endsWith('/*') && contentType.startsWith(k.slice(0, -1).toLowerCase())) ??
    keys.find((k) => k === '*/*')
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function describeErrors(errors: ErrorObject[] | null | undefined, shown: number): string {
  return (errors ?? [])
    .slice(0, shown)
    .map((e) => {
      const params = e.params as Record<string, unknown>;
      const detail =
        'additionalProperty' in params
          ? ` "${String(params.additionalProperty)}"`
          : 'allowedValues' in params
            ? ` ${JSON.stringify(params.allowedValues)}`
            : '';
      return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${detail}`;
    })
    .join('; ');
}
