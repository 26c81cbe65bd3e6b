import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectationPattern, matchExpectations, readWalkthroughs } from './support/walkthrough.js';

describe('walkthrough reader', () => {
  it('splits blocks into steps at expected output, and background lines into their own steps', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trb-wt-'));
    const file = path.join(dir, 'doc.md');
    await writeFile(
      file,
      [
        'intro',
        '```sh',
        'echo outside',
        '```',
        '<!-- walkthrough: demo -->',
        '```sh',
        'npx tributary sandbox github --port 4010   # keeps running',
        'export A=1',
        'echo "$A" \\',
        '  two',
        '# → 1 two',
        '#   an explanation',
        'echo next',
        '```',
        '```text',
        'not run',
        '```',
        '<!-- /walkthrough -->',
      ].join('\n'),
    );
    const [walkthrough, ...rest] = await readWalkthroughs(file);
    await rm(dir, { recursive: true });
    expect(rest).toEqual([]);
    expect(walkthrough!.steps.map((s) => [s.kind, s.script, s.expect])).toEqual([
      ['background', 'npx tributary sandbox github --port 4010', []],
      ['run', 'export A=1\necho "$A" \\\n  two', ['1 two']],
      ['run', 'echo next', []],
    ]);
  });

  it('matches whole lines with … as a wildcard and binds placeholders', () => {
    expect(matchExpectations(['conn_…  connected'], 'noise\nconn_Ab12  connected\n')).toEqual({ 'conn_…': 'Ab12'.replace(/^/, 'conn_') });
    expect(() => matchExpectations(['1001'], '10010\n')).toThrow(/expected a line matching/);
    expect(matchExpectations(['{ "webhook_url": "http://h/webhooks/whk_…", … }'], '{ "webhook_url": "http://h/webhooks/whk_xyz", "a": 1 }')).toEqual({
      'http://h/webhooks/whk_…': 'http://h/webhooks/whk_xyz',
    });
    expect(expectationPattern('COMPLETED: … created').names).toEqual([]);
  });
});
