import { instantOfWallClock } from '../time-zone.js';

/**
 * The slice of JQL the sandbox understands: clauses joined by AND on `updated`, `created` (`= != > >= < <=`),
 * `project` and `key` (`=`, `in`, `not in`), and `ORDER BY updated [ASC|DESC][, key [ASC|DESC]]`. Anything else
 * is refused with a message in Jira's manner rather than silently mis-answered. Dates are read in the user's time
 * zone, in the four formats Jira accepts or as a period (`-5d`, `4w 2d`) relative to now.
 */
export type Comparison = '=' | '!=' | '>' | '>=' | '<' | '<=';

export interface DateBound {
  op: Comparison;
  at: number;
}

export interface ParsedJql {
  updated: DateBound[];
  created: DateBound[];
  /** Project keys, ids or names, each list one `project` clause (all must hold); `not` lists exclude. */
  projects: { values: string[]; not: boolean }[];
  keys: { values: string[]; not: boolean }[];
  descending: boolean;
  /** The tie-break on key runs the other way (`ORDER BY updated ASC, key DESC`). */
  keyDescending: boolean;
  /** Whether there is any restriction at all: the enhanced search refuses unbounded queries. */
  bounded: boolean;
}

export class JqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JqlError';
  }
}

type Token = { kind: 'word' | 'string' | 'op' | 'punct'; text: string; at: number };

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let text = '';
      let j = i + 1;
      for (; j < jql.length && jql[j] !== c; j++) text += jql[j] === '\\' && j + 1 < jql.length ? jql[++j] : jql[j];
      if (j >= jql.length) throw new JqlError(`Error in the JQL Query: The quoted string starting at character ${i + 1} has not been completed.`);
      tokens.push({ kind: 'string', text, at: i });
      i = j + 1;
      continue;
    }
    const op = /^(>=|<=|!=|=|>|<|~)/.exec(jql.slice(i));
    if (op) {
      tokens.push({ kind: 'op', text: op[1]!, at: i });
      i += op[1]!.length;
      continue;
    }
    if ('(),'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, at: i });
      i++;
      continue;
    }
    const word = /^[^\s"'(),=!<>~]+/.exec(jql.slice(i))!;
    tokens.push({ kind: 'word', text: word[0], at: i });
    i += word[0].length;
  }
  return tokens;
}

const fieldNames: Record<string, 'updated' | 'created' | 'project' | 'key'> = {
  updated: 'updated',
  updateddate: 'updated',
  created: 'created',
  createddate: 'created',
  project: 'project',
  key: 'key',
  issuekey: 'key',
  issue: 'key',
  id: 'key',
};

const dateFormats = "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";

/** A JQL date value as epoch ms, read in `timeZone`. */
export function parseJqlDate(value: string, field: string, timeZone: string, nowMs: number): number {
  const absolute = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(value.trim());
  if (absolute) {
    const [year, month, day, hour, minute] = absolute.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
    if (month! >= 1 && month! <= 12 && day! >= 1 && day! <= 31 && hour! <= 23 && minute! <= 59) {
      return instantOfWallClock({ year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: 0 }, timeZone);
    }
  }
  const period = /^([-+]?)((?:\d+[wdhm]\s*)+)$/.exec(value.trim());
  if (period) {
    const units: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 };
    let total = 0;
    for (const [, amount, unit] of period[2]!.matchAll(/(\d+)([wdhm])/g)) total += Number(amount) * units[unit!]!;
    return nowMs + (period[1] === '-' ? -total : total);
  }
  throw new JqlError(`Date value '${value}' for field '${field}' is invalid. ${dateFormats}`);
}

class Parser {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly timeZone: string,
    private readonly nowMs: number,
  ) {}

  parse(): ParsedJql {
    const out: ParsedJql = { updated: [], created: [], projects: [], keys: [], descending: true, keyDescending: true, bounded: false };
    if (!this.atOrderBy() && this.peek()) {
      this.clause(out);
      while (this.peek() && !this.atOrderBy()) {
        const word = this.next();
        if (word.kind === 'word' && word.text.toLowerCase() === 'and') this.clause(out);
        else if (word.kind === 'word' && word.text.toLowerCase() === 'or') throw new JqlError('The sandbox understands clauses joined by AND only, not OR.');
        else throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got '${word.text}'. (line 1, character ${word.at + 1})`);
      }
    }
    if (this.atOrderBy()) this.orderBy(out);
    const rest = this.peek();
    if (rest) throw new JqlError(`Error in the JQL Query: Expecting ',' but got '${rest.text}'. (line 1, character ${rest.at + 1})`);
    out.bounded = out.updated.length + out.created.length + out.projects.length + out.keys.length > 0;
    return out;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new JqlError('Error in the JQL Query: The query ends where a value or a keyword was expected.');
    return token;
  }

  private atOrderBy(): boolean {
    const [a, b] = [this.tokens[this.index], this.tokens[this.index + 1]];
    return a?.kind === 'word' && a.text.toLowerCase() === 'order' && b?.kind === 'word' && b.text.toLowerCase() === 'by';
  }

  private value(): string {
    const token = this.next();
    if (token.kind !== 'word' && token.kind !== 'string') throw new JqlError(`Error in the JQL Query: Expecting a value but got '${token.text}'. (line 1, character ${token.at + 1})`);
    if (token.kind === 'word' && /\($/.test(token.text)) throw new JqlError('The sandbox does not evaluate JQL functions.');
    if (token.kind === 'word' && this.peek()?.text === '(') throw new JqlError(`The sandbox does not evaluate JQL functions such as ${token.text}().`);
    return token.text;
  }

  private list(): string[] {
    const open = this.next();
    if (open.text !== '(') throw new JqlError(`Error in the JQL Query: Expecting '(' but got '${open.text}'. (line 1, character ${open.at + 1})`);
    const values = [this.value()];
    for (;;) {
      const token = this.next();
      if (token.text === ')') return values;
      if (token.text !== ',') throw new JqlError(`Error in the JQL Query: Expecting ',' or ')' but got '${token.text}'. (line 1, character ${token.at + 1})`);
      values.push(this.value());
    }
  }

  private clause(out: ParsedJql): void {
    const fieldToken = this.next();
    const field = fieldNames[fieldToken.text.toLowerCase()];
    if (fieldToken.kind === 'punct') throw new JqlError('The sandbox does not support parentheses around clauses.');
    if (!field) throw new JqlError(`Field '${fieldToken.text}' does not exist or you do not have permission to view it.`);
    const opToken = this.next();
    const opWord = opToken.text.toLowerCase();
    if (field === 'project' || field === 'key') {
      const target = field === 'project' ? out.projects : out.keys;
      if (opToken.kind === 'op' && (opToken.text === '=' || opToken.text === '!=')) target.push({ values: [this.value()], not: opToken.text === '!=' });
      else if (opToken.kind === 'word' && opWord === 'in') target.push({ values: this.list(), not: false });
      else if (opToken.kind === 'word' && opWord === 'not' && this.next().text.toLowerCase() === 'in') target.push({ values: this.list(), not: true });
      else throw new JqlError(`The operator '${opToken.text}' is not supported by the '${fieldToken.text}' field.`);
      return;
    }
    if (opToken.kind !== 'op' || opToken.text === '~') throw new JqlError(`The operator '${opToken.text}' is not supported by the '${fieldToken.text}' field.`);
    const at = parseJqlDate(this.value(), fieldToken.text, this.timeZone, this.nowMs);
    (field === 'updated' ? out.updated : out.created).push({ op: opToken.text as Comparison, at });
  }

  private orderBy(out: ParsedJql): void {
    this.index += 2;
    const fields: { name: string; descending: boolean }[] = [];
    for (;;) {
      const name = this.next().text.toLowerCase();
      let descending = false;
      const direction = this.peek()?.text.toLowerCase();
      if (direction === 'asc' || direction === 'desc') {
        this.index++;
        descending = direction === 'desc';
      }
      fields.push({ name: fieldNames[name] ?? name, descending });
      if (this.peek()?.text !== ',') break;
      this.index++;
    }
    const [first, second] = fields;
    if (first?.name !== 'updated' || (second && second.name !== 'key') || fields.length > 2) {
      throw new JqlError('The sandbox orders by updated, optionally then by key: ORDER BY updated ASC, key ASC.');
    }
    out.descending = first.descending;
    out.keyDescending = second ? second.descending : first.descending;
  }
}

/** Parses a query; a query without ORDER BY comes back newest first (`updated DESC`). */
export function parseJql(jql: string, timeZone: string, nowMs: number): ParsedJql {
  return new Parser(tokenize(jql), timeZone, nowMs).parse();
}

export function passes(bounds: DateBound[], at: number): boolean {
  return bounds.every(({ op, at: bound }) => {
    switch (op) {
      case '=':
        return at === bound;
      case '!=':
        return at !== bound;
      case '>':
        return at > bound;
      case '>=':
        return at >= bound;
      case '<':
        return at < bound;
      case '<=':
        return at <= bound;
    }
  });
}
