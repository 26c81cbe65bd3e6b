/**
 * A generated block in a Markdown page: the text between `<!-- generated: NAME -->` and `<!-- /generated -->`.
 * Everything outside the markers is hand-written and never touched, so a page can say in words what a manifest
 * cannot, while the parts a manifest does say are rewritten from it and cannot drift.
 */
const open = (name: string) => `<!-- generated: ${name} -->`;
const CLOSE = '<!-- /generated -->';

function bounds(page: string, name: string): { start: number; end: number } | null {
  const marker = open(name);
  const at = page.indexOf(marker);
  if (at < 0) return null;
  const start = at + marker.length;
  const end = page.indexOf(CLOSE, start);
  return end < 0 ? null : { start, end };
}

/** The block's content without its markers and surrounding newlines, or null when the page lacks the markers. */
export function readGeneratedBlock(page: string, name: string): string | null {
  const found = bounds(page, name);
  return found ? page.slice(found.start, found.end).replace(/^\n+|\n+$/g, '') : null;
}

/** The page with the block's content replaced; null when the page lacks the markers. */
export function replaceGeneratedBlock(page: string, name: string, content: string): string | null {
  const found = bounds(page, name);
  return found ? `${page.slice(0, found.start)}\n${content}\n${page.slice(found.end)}` : null;
}

/** An empty block, for a page that has none yet. */
export function emptyGeneratedBlock(name: string): string {
  return `${open(name)}\n${CLOSE}\n`;
}
