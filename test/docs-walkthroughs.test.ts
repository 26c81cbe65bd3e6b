import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot } from './support/child-process.js';
import { readWalkthroughs, WalkthroughShell, type Walkthrough } from './support/walkthrough.js';

/**
 * The README's walkthrough, then every connector page's, typed in order into one terminal as a reader following
 * the docs would: one Tributary started by the README (embedded database, as the README's first command runs it),
 * one sandbox per connector on its own port. The documented ports (3000, 4010–4018) are mapped to free ones, and
 * the data folder is a temporary one; nothing else is changed.
 */
const connectorPages = ['github', 'stripe', 'quickbooks', 'gmail', 'google_calendar', 'slack', 'jira', 'deel', 'microsoft'];
const files = [path.join(repoRoot, 'README.md'), ...connectorPages.map((id) => path.join(repoRoot, 'docs', 'connectors', `${id}.md`))];
const walkthroughs: Walkthrough[] = (await Promise.all(files.filter((f) => existsSync(f)).map((f) => readWalkthroughs(f)))).flat();
const documentedPorts = [3000, 4010, 4011, 4012, 4013, 4014, 4015, 4016, 4017, 4018];

describe('documentation walkthroughs', () => {
  let shell: WalkthroughShell;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trb-walkthrough-'));
    const ports = new Map<number, number>();
    for (const port of documentedPorts) ports.set(port, await freePort());
    const rewrite = (text: string) => text.replace(/\b(3000|401[0-8])\b/g, (p) => String(ports.get(Number(p))));
    shell = new WalkthroughShell({
      cwd: repoRoot,
      outDir: dir,
      rewrite,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', TRIBUTARY_DATA_DIR: path.join(dir, 'data'), PORT: String(ports.get(3000)), npm_config_update_notifier: 'false' },
    });
  });
  afterAll(async () => {
    await shell?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every connector page has a walkthrough, and the README has the first one', () => {
    expect(walkthroughs[0]?.file).toBe(files[0]);
    expect(new Set(walkthroughs.map((w) => path.basename(w.file, '.md')))).toEqual(new Set(['README', ...connectorPages]));
  });

  for (const walkthrough of walkthroughs) {
    it(`${path.basename(walkthrough.file)}: ${walkthrough.name}`, async () => {
      for (const step of walkthrough.steps) await shell.run(step, 240_000);
    }, 900_000);
  }
});
