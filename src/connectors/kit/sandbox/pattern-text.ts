import type { Prng } from './prng.js';

/**
 * A string that matches a JSON schema `pattern`, for the simple patterns schemas use (`^[0-9]+$`, `^in_`,
 * `^\d{10}\.\d{6}$`, `^[A-Z]{3}$`): literals, escapes (`\d`, `\w`, `\s`, `\.`), classes with ranges, groups with
 * alternatives, and the quantifiers `?`, `*`, `+`, `{n}`, `{n,m}`. A pattern without `$` may go on with any text:
 * `tail` is appended there. Null when the pattern uses anything else, or the result does not match after all.
 *
 * @example
 * ```ts
 * textForPattern('^\\d{10}\\.\\d{6}$', rng); // '1717200000.000123'-like
 * textForPattern('^in_', rng, 'a1b2c3'); // 'in_a1b2c3'
 * ```
 */
export function textForPattern(pattern: string, rng: Prng, tail = ''): string | null {
  const anchoredEnd = pattern.endsWith('$') && !pattern.endsWith('\\$');
  const body = pattern.replace(/^\^/, '').slice(0, anchoredEnd ? -1 : undefined);
  const parser = new PatternParser(body, rng);
  const text = parser.alternatives();
  if (text === null || parser.position < body.length) return null;
  const out = anchoredEnd ? text : text + tail;
  try {
    return new RegExp(pattern, 'u').test(out) ? out : null;
  } catch {
    return null;
  }
}

const digits = '0123456789';
const word = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ${digits}_`;

/** A recursive-descent walk of the pattern that emits one random matching string as it parses. */
class PatternParser {
  position = 0;
  constructor(
    private readonly source: string,
    private readonly rng: Prng,
  ) {}

  alternatives(): string | null {
    const options: string[] = [];
    for (;;) {
      const sequence = this.sequence();
      if (sequence === null) return null;
      options.push(sequence);
      if (this.source[this.position] !== '|') break;
      this.position++;
    }
    return this.rng.pick(options);
  }

  private sequence(): string | null {
    let out = '';
    while (this.position < this.source.length && this.source[this.position] !== '|' && this.source[this.position] !== ')') {
      const atom = this.atom();
      if (atom === null) return null;
      const [min, max] = this.quantifier();
      const count = this.rng.range(min, max);
      for (let i = 0; i < count; i++) out += i === 0 ? atom.first : atom.again();
    }
    return out;
  }

  /** One atom: its first rendering, and a way to render it again (a class picks anew each time). */
  private atom(): { first: string; again: () => string } | null {
    const c = this.source[this.position++]!;
    if (c === '(') {
      if (this.source.startsWith('?:', this.position)) this.position += 2;
      const start = this.position;
      const inner = this.alternatives();
      if (inner === null || this.source[this.position] !== ')') return null;
      const end = this.position++;
      const again = () => new PatternParser(this.source.slice(start, end), this.rng).alternatives() ?? inner;
      return { first: inner, again };
    }
    if (c === '[') return this.characterClass();
    if (c === '\\') return this.escape();
    if (c === '.') return this.fromSet(word);
    if ('*+?{}])^$'.includes(c)) return null;
    return { first: c, again: () => c };
  }

  private escape(): { first: string; again: () => string } | null {
    const c = this.source[this.position++];
    if (c === undefined) return null;
    if (c === 'd') return this.fromSet(digits);
    if (c === 'w') return this.fromSet(word);
    if (c === 's') return { first: ' ', again: () => ' ' };
    if (/[a-zA-Z0-9]/.test(c)) return null;
    return { first: c, again: () => c };
  }

  private characterClass(): { first: string; again: () => string } | null {
    if (this.source[this.position] === '^') return null;
    let set = '';
    while (this.position < this.source.length && this.source[this.position] !== ']') {
      let c = this.source[this.position++]!;
      if (c === '\\') {
        const e = this.source[this.position++];
        if (e === 'd') set += digits;
        else if (e === 'w') set += word;
        else if (e !== undefined && !/[a-zA-Z0-9]/.test(e)) set += e;
        else return null;
        continue;
      }
      if (this.source[this.position] === '-' && this.source[this.position + 1] !== ']' && this.position + 1 < this.source.length) {
        const to = this.source[this.position + 1]!;
        this.position += 2;
        for (let code = c.charCodeAt(0); code <= to.charCodeAt(0); code++) set += String.fromCharCode(code);
        continue;
      }
      c = c === undefined ? '' : c;
      set += c;
    }
    if (this.source[this.position] !== ']' || set === '') return null;
    this.position++;
    return this.fromSet(set);
  }

  private fromSet(set: string): { first: string; again: () => string } {
    const pick = () => set[this.rng.int(set.length)]!;
    return { first: pick(), again: pick };
  }

  private quantifier(): [number, number] {
    const c = this.source[this.position];
    if (c === '?') return (this.position++, [0, 1]);
    if (c === '*') return (this.position++, [0, 4]);
    if (c === '+') return (this.position++, [1, 6]);
    if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.position));
      if (match) {
        this.position += match[0].length;
        const min = Number(match[1]);
        const max = match[2] === undefined ? min : match[3] === '' ? min + 4 : Number(match[3]);
        return [min, Math.max(min, max)];
      }
    }
    return [1, 1];
  }
}
