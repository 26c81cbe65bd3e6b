import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot } from './support/child-process.js';
import { readWalkthroughs, WalkthroughShell, type Walkthrough } from './support/walkthrough.js';

/**
 * The README's walkthrough, then every connector page's, typed in order into one terminal as a reader following
 * the docs would: one Tributary started by the README (embedded database, as the README's first command runs it),
 * one sandbox per connector on its own port. The documented ports (3000, 4010–4019) are mapped to free ones, and
 * the data folder is a temporary one; nothing else is changed.
 */
const connectorPages = ['github', 'stripe', 'quickbooks', 'gmail', 'google_calendar', 'slack', 'jira', 'deel', 'microsoft', 'zendesk'];
/**
 * Every page that holds a walkthrough, in the order a reader follows them (the README's starts the server the
 * others use). A page that gains one must be listed here: the first test compares this list with what the docs hold.
 */
const pages = ['README.md', ...connectorPages.map((id) => path.join('docs', 'connectors', `${id}.md`))];
const files = pages.map((page) => path.join(repoRoot, page));
const walkthroughs: Walkthrough[] = (await Promise.all(files.filter((f) => existsSync(f)).map((f) => readWalkthroughs(f)))).flat();
/** Every Markdown file of the README and docs/ that holds a walkthrough, whether listed above or not. */
async function pagesWithWalkthroughs(): Promise<string[]> {
  const docs = (await readdir(path.join(repoRoot, 'docs'), { recursive: true })).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f));
  const holding = await Promise.all(
    ['README.md', ...docs].map(async (page) => ((await readFile(path.join(repoRoot, page), 'utf8')).includes('<!-- walkthrough:') ? page : null)),
  );
  return holding.filter((page): page is string => page !== null);
}
const documentedPorts = [3000, 4010, 4011, 4012, 4013, 4014, 4015, 4016, 4017, 4018, 4019];

describe('documentation walkthroughs', () => {
  let shell: WalkthroughShell;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trb-walkthrough-'));
    const ports = new Map<number, number>();
    for (const port of documentedPorts) ports.set(port, await freePort());
    const rewrite = (text: string) => text.replace(/\b(3000|401[0-9])\b/g, (p) => String(ports.get(Number(p))));
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

  it('every connector page has a walkthrough, the README has the first one, and every page holding one is run', async () => {
    expect(walkthroughs[0]?.file).toBe(files[0]);
    expect(new Set(walkthroughs.map((w) => path.relative(repoRoot, w.file)))).toEqual(new Set(pages));
    expect(new Set(await pagesWithWalkthroughs())).toEqual(new Set(pages));
  });

  for (const walkthrough of walkthroughs) {
    it(`${path.basename(walkthrough.file)}: ${walkthrough.name}`, async () => {
      for (const step of walkthrough.steps) await shell.run(step, 240_000);
    }, 900_000);
  }
});
