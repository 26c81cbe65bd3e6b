import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Runs the documentation's walkthroughs as a reader would type them, so the docs cannot drift from the product.
 *
 * In Markdown, a walkthrough is the text between `<!-- walkthrough: NAME -->` and `<!-- /walkthrough -->`; every
 * ```sh block inside runs, in order, in one shell that lives across all walkthroughs (exports carry over, as in a
 * reader's terminal). Conventions the docs follow:
 * - a command line ending in `# keeps running` is what a reader starts in another terminal: it runs in the
 *   background, and the next step waits until it prints a line with "ready" or "listening";
 * - `# → TEXT` after commands is what they print: some output line must match it whole (runs of spaces count as
 *   one), where `…` stands for any text; a word with `…` in it (`conn_…`, `whk_…`, a URL ending in `?…`) also names what it matched, and later
 *   commands that contain the same word get the value (as a reader pastes the id they were shown);
 * - `#   ` continuation lines after `# →` explain, and are not checked.
 */
export interface WalkthroughStep {
  kind: 'run' | 'background';
  script: string;
  expect: string[];
  /** Where the step stands in its file, for failure messages. */
  where: string;
}

export interface Walkthrough {
  name: string;
  file: string;
  steps: WalkthroughStep[];
}

const KEEPS_RUNNING = /\s+# keeps running\s*$/;
const EXPECT = /^\s*# → (.*)$/;
const CONTINUATION = /^\s*# {2}/;

export async function readWalkthroughs(file: string): Promise<Walkthrough[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const walkthroughs: Walkthrough[] = [];
  let current: Walkthrough | null = null;
  let inBlock = false;
  let chunk: string[] = [];
  let chunkStart = 0;
  let expect: string[] = [];
  const where = (n: number) => `${path.basename(file)}:${n + 1}`;
  const flush = () => {
    if (current && chunk.some((l) => l.trim() !== '' && !l.trim().startsWith('#'))) {
      current.steps.push({ kind: 'run', script: chunk.join('\n'), expect, where: where(chunkStart) });
    } else if (current && expect.length > 0) {
      throw new Error(`${where(chunkStart)}: "# →" with no command before it`);
    }
    chunk = [];
    expect = [];
  };
  lines.forEach((line, n) => {
    const open = /^<!-- walkthrough: (.+?) -->$/.exec(line.trim());
    if (open) {
      current = { name: open[1]!, file, steps: [] };
      walkthroughs.push(current);
      return;
    }
    if (line.trim() === '<!-- /walkthrough -->') {
      current = null;
      return;
    }
    if (!current) return;
    if (!inBlock && /^```sh\s*$/.test(line)) {
      inBlock = true;
      chunkStart = n + 1;
      return;
    }
    if (inBlock && /^```\s*$/.test(line)) {
      flush();
      inBlock = false;
      return;
    }
    if (!inBlock) return;
    const expected = EXPECT.exec(line);
    if (expected) {
      expect.push(expected[1]!.trim());
      return;
    }
    if (expect.length > 0 && CONTINUATION.test(line)) return;
    if (KEEPS_RUNNING.test(line)) {
      flush();
      current.steps.push({ kind: 'background', script: line.replace(KEEPS_RUNNING, ''), expect: [], where: where(n) });
      chunkStart = n + 1;
      return;
    }
    if (expect.length > 0 && line.trim() !== '' && !line.trim().startsWith('#')) {
      flush();
      chunkStart = n;
    }
    if (chunk.length === 0) chunkStart = n;
    chunk.push(line);
  });
  return walkthroughs;
}

const PLACEHOLDER = /[^\s"'`,{}()<>[\]]*…[^\s"'`,{}()<>[\]]*/g;
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The regular expression for one `# →` line, and the placeholder each capture group binds. */
export function expectationPattern(expected: string): { regex: RegExp; names: (string | null)[] } {
  const names: (string | null)[] = [];
  let source = '';
  let last = 0;
  for (const match of expected.matchAll(PLACEHOLDER)) {
    source += escapeRegex(expected.slice(last, match.index)).replaceAll('…', '.*?');
    const token = match[0];
    const bindable = token !== '…' && token.replaceAll('…', '').length > 0;
    const inner = token
      .split('…')
      .map(escapeRegex)
      .join(bindable ? '[^\\s"\'`,{}()<>]+?' : '.*?');
    source += bindable ? `(${inner})` : inner;
    if (bindable) names.push(token);
    last = match.index + token.length;
  }
  source += escapeRegex(expected.slice(last));
  return { regex: new RegExp(`^${source}$`), names };
}

/** Checks `expect` against output lines; returns the placeholders bound, or throws saying what was missing. */
export function matchExpectations(expect: string[], output: string): Record<string, string> {
  // Runs of spaces count as one: docs align output for reading, programs pad columns to their widths.
  const squeeze = (text: string) => text.trim().replace(/\s+/g, ' ');
  const lines = output.split('\n').map(squeeze);
  const bound: Record<string, string> = {};
  for (const expected of expect) {
    const { regex, names } = expectationPattern(squeeze(expected));
    const hit = lines.map((l) => regex.exec(l)).find((m) => m !== null);
    if (!hit) throw new Error(`expected a line matching\n  ${expected}\nin the output:\n${output.slice(-3000)}`);
    names.forEach((name, i) => {
      if (name) bound[name] = hit[i + 1]!;
    });
  }
  return bound;
}

/** One shell for a whole documentation run, like a reader's terminal; background steps are its jobs. */
export class WalkthroughShell {
  private readonly bash: ChildProcess;
  private readonly bindings: Record<string, string> = {};
  private stdout = '';
  private waiters: (() => void)[] = [];
  private stepNo = 0;

  constructor(
    private readonly options: { cwd: string; env: Record<string, string>; outDir: string; rewrite: (text: string) => string },
  ) {
    // Its own process group, so `close()` ends the shell and everything it started.
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.bash.stdout!.setEncoding('utf8');
    this.bash.stdout!.on('data', (chunk: string) => {
      this.stdout += chunk;
      for (const wake of this.waiters.splice(0)) wake();
    });
    // No pipefail: a reader's shell has none, and `curl … | head -c 600` is fine there; output is checked instead.
    this.bash.stderr!.resume();
  }

  /** The step's text as it will run: ports rewritten, placeholders filled with what earlier steps printed. */
  prepare(text: string): string {
    let out = this.options.rewrite(text);
    // Longest first, so `whk_…` inside a URL placeholder is not replaced before the URL itself.
    for (const name of Object.keys(this.bindings).sort((a, b) => b.length - a.length)) out = out.replaceAll(this.options.rewrite(name), this.bindings[name]!);
    return out;
  }

  async run(step: WalkthroughStep, timeoutMs: number): Promise<string> {
    const n = ++this.stepNo;
    const file = path.join(this.options.outDir, `step-${n}.out`);
    const script = this.prepare(step.script);
    if (step.kind === 'background') {
      this.bash.stdin!.write(`( ${script} ) > ${file} 2>&1 &\n`);
      await this.waitForFile(file, /ready|listening/i, timeoutMs, step);
      return '';
    }
    const marker = `__WALKTHROUGH_STEP_${n}__`;
    this.bash.stdin!.write(`{\n${script}\n} > ${file} 2>&1 < /dev/null; echo "${marker} $?"\n`);
    const code = await this.waitForMarker(marker, timeoutMs, step);
    const output = await readFile(file, 'utf8');
    if (code !== 0) throw new Error(`${step.where}: exit ${code}\n$ ${script}\n${output.slice(-3000)}`);
    try {
      Object.assign(this.bindings, matchExpectations(step.expect.map((e) => this.options.rewrite(e)), output));
    } catch (error) {
      throw new Error(`${step.where}:\n$ ${script}\n${(error as Error).message}`);
    }
    return output;
  }

  private waitForMarker(marker: string, timeoutMs: number, step: WalkthroughStep): Promise<number> {
    const pattern = new RegExp(`${marker} (\\d+)`);
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.stdout);
        if (!match) return void this.waiters.push(check);
        clearTimeout(timer);
        resolve(Number(match[1]));
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`${step.where}: still running after ${timeoutMs} ms`));
      }, timeoutMs);
      check();
    });
  }

  private async waitForFile(file: string, ready: RegExp, timeoutMs: number, step: WalkthroughStep): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await readFile(file, 'utf8').catch(() => '');
      if (ready.test(text)) return;
      if (Date.now() > deadline) throw new Error(`${step.where}: the background command printed no ready line in ${timeoutMs} ms:\n${text.slice(-3000)}`);
      // Polling a file the background job writes: there is no event to wait on for another process's output.
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async close(): Promise<void> {
    if (this.bash.exitCode !== null) return;
    const exited = new Promise((resolve) => this.bash.once('exit', resolve));
    try {
      process.kill(-this.bash.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-this.bash.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
  }
}
