import type { ActiveFilter, TimeRange } from './entity-table.js';
import type { EntityName } from './layout.js';
import { parseQboTime } from './time.js';

/**
 * The part of the QuickBooks query language the sandbox understands:
 *
 *   SELECT * | COUNT(*) FROM <Entity>
 *     [WHERE <cond> [AND <cond>]…]  [ORDERBY <field> [ASC|DESC]]  [STARTPOSITION n]  [MAXRESULTS n]
 *
 * where a condition is on `Metadata.LastUpdatedTime` (=, <, >, <=, >=) or `Active` (= or IN). Keywords are
 * case-insensitive; `ORDER BY` is accepted too. STARTPOSITION is 1-based; MAXRESULTS defaults to 100 and is at
 * most 1000, as documented. Anything else is refused with the fault QuickBooks sends for a query it cannot
 * parse (4000) or run (4001), never silently ignored.
 */
export interface ParsedQuery {
  count: boolean;
  entity: EntityName;
  range: TimeRange;
  /** null: the entity's default (name lists such as Customer list active entities only). */
  active: ActiveFilter | null;
  direction: 'asc' | 'desc';
  startPosition: number;
  maxResults: number;
}

export interface QueryError {
  code: '4000' | '4001';
  message: string;
  detail: string;
}

const entities: Record<string, EntityName> = { invoice: 'Invoice', customer: 'Customer' };
const tokenPattern = /\s*('(?:[^'\\]|\\.)*'|>=|<=|!=|=|<|>|\(|\)|,|\*|[A-Za-z_][A-Za-z0-9_.]*|-?\d+(?:\.\d+)?)/y;

function tokenize(text: string): string[] | null {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    tokenPattern.lastIndex = index;
    const match = tokenPattern.exec(text);
    if (!match) return null;
    tokens.push(match[1]!);
    index = tokenPattern.lastIndex;
  }
  return tokens;
}

const parserError = (near: string): QueryError => ({
  code: '4000',
  message: 'Error parsing query',
  detail: `QueryParserError: Encountered " ${near} " at line 1.`,
});
const validationError = (detail: string): QueryError => ({ code: '4001', message: 'Invalid query', detail: `QueryValidationError: ${detail}` });

export function parseQuery(text: string): ParsedQuery | QueryError {
  const tokens = tokenize(text);
  if (!tokens) return parserError(text.slice(0, 20));
  let i = 0;
  const peek = () => tokens[i]?.toUpperCase();
  const take = () => tokens[i++];
  const expect = (word: string): boolean => {
    if (peek() !== word) return false;
    i++;
    return true;
  };

  if (!expect('SELECT')) return parserError(tokens[0] ?? '<EOF>');
  let count = false;
  if (expect('*')) count = false;
  else if (peek() === 'COUNT' && tokens[i + 1] === '(' && tokens[i + 2] === '*' && tokens[i + 3] === ')') {
    count = true;
    i += 4;
  } else return validationError('only SELECT * and SELECT COUNT(*) are supported by the sandbox');
  if (!expect('FROM')) return parserError(tokens[i] ?? '<EOF>');
  const entityToken = take();
  const entity = entityToken ? entities[entityToken.toLowerCase()] : undefined;
  if (!entity) return validationError(`Entity ${entityToken ?? '<EOF>'} is not supported by the sandbox (Invoice, Customer)`);

  const query: ParsedQuery = { count, entity, range: { from: null, to: null }, active: null, direction: 'asc', startPosition: 1, maxResults: 100 };
  if (expect('WHERE')) {
    for (;;) {
      const failure = condition(tokens, i, query);
      if (typeof failure !== 'number') return failure;
      i = failure;
      if (!expect('AND')) break;
    }
  }
  if (peek() === 'ORDERBY' || (peek() === 'ORDER' && tokens[i + 1]?.toUpperCase() === 'BY')) {
    i += peek() === 'ORDERBY' ? 1 : 2;
    const field = take()?.toLowerCase();
    if (field !== 'metadata.lastupdatedtime' && field !== 'id') return validationError(`ORDERBY ${field ?? ''} is not supported by the sandbox`);
    if (expect('DESC')) query.direction = 'desc';
    else expect('ASC');
  }
  if (expect('STARTPOSITION')) {
    const n = Number(take());
    if (!Number.isInteger(n) || n < 1) return validationError('STARTPOSITION must be a positive integer');
    query.startPosition = n;
  }
  if (expect('MAXRESULTS')) {
    const n = Number(take());
    if (!Number.isInteger(n) || n < 1) return validationError('MAXRESULTS must be a positive integer');
    query.maxResults = Math.min(1000, n);
  }
  if (i < tokens.length) return parserError(tokens[i]!);
  return query;
}

function unquote(token: string | undefined): string | null {
  if (token === undefined) return null;
  return token.startsWith("'") && token.endsWith("'") ? token.slice(1, -1).replace(/\\(.)/g, '$1') : token;
}

/** Parses one condition at `i` into `query`; the index after it, or the error. */
function condition(tokens: string[], start: number, query: ParsedQuery): number | QueryError {
  let i = start;
  const field = tokens[i++]?.toLowerCase();
  const op = tokens[i++]?.toUpperCase();
  if (field === 'metadata.lastupdatedtime') {
    const raw = unquote(tokens[i++]);
    const time = raw === null ? null : parseQboTime(raw);
    if (time === null) return validationError(`${raw ?? '<EOF>'} is not a valid date-time for Metadata.LastUpdatedTime`);
    const { range } = query;
    const raise = (from: number) => (range.from = range.from === null ? from : Math.max(range.from, from));
    const lower = (to: number) => (range.to = range.to === null ? to : Math.min(range.to, to));
    if (op === '>=') raise(Math.ceil(time));
    else if (op === '>') raise(Math.floor(time) + 1);
    else if (op === '<=') lower(Math.floor(time));
    else if (op === '<') lower(Math.ceil(time) - 1);
    else if (op === '=') {
      raise(Math.ceil(time));
      lower(Math.floor(time));
    } else return validationError(`operator ${op ?? '<EOF>'} is not supported for Metadata.LastUpdatedTime`);
    return i;
  }
  if (field === 'active') {
    const values: string[] = [];
    if (op === '=') values.push(unquote(tokens[i++]) ?? '');
    else if (op === 'IN' && tokens[i] === '(') {
      i++;
      for (;;) {
        values.push(unquote(tokens[i++]) ?? '');
        if (tokens[i] === ',') i++;
        else break;
      }
      if (tokens[i++] !== ')') return parserError(tokens[i - 1] ?? '<EOF>');
    } else return validationError(`operator ${op ?? '<EOF>'} is not supported for Active`);
    const wanted = new Set(values.map((v) => v.toLowerCase()));
    if ([...wanted].some((v) => v !== 'true' && v !== 'false')) return validationError('Active takes true or false');
    query.active = wanted.size === 2 ? 'all' : wanted.has('true') ? 'active' : 'inactive';
    return i;
  }
  return validationError(`property ${tokens[start] ?? '<EOF>'} is not queryable in the sandbox (Metadata.LastUpdatedTime, Active)`);
}
