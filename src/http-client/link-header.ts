/**
 * RFC 8288 `Link` header → `{ rel: url }`. Written as a small scanner rather than a split on commas,
 * because commas are legal inside `<...>` targets and quoted parameters, and providers use both.
 * The first link of a relation wins, and `rel="next last"` registers both relations, as the RFC says.
 */
export function parseLinkHeader(value: string | null | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (!value) return links;
  let i = 0;
  const n = value.length;
  const skipSpace = (): void => {
    while (i < n && /\s/.test(value[i] ?? '')) i++;
  };
  while (i < n) {
    const open = value.indexOf('<', i);
    if (open === -1) break;
    const close = value.indexOf('>', open + 1);
    if (close === -1) break;
    const target = value.slice(open + 1, close).trim();
    i = close + 1;
    const params: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (value[i] !== ';') break;
      i++;
      skipSpace();
      const nameStart = i;
      while (i < n && !/[=;,\s]/.test(value[i] ?? '')) i++;
      const name = value.slice(nameStart, i).toLowerCase();
      skipSpace();
      let paramValue = '';
      if (value[i] === '=') {
        i++;
        skipSpace();
        if (value[i] === '"') {
          i++;
          while (i < n && value[i] !== '"') {
            if (value[i] === '\\') i++;
            paramValue += value[i] ?? '';
            i++;
          }
          i++;
        } else {
          const start = i;
          while (i < n && !/[;,]/.test(value[i] ?? '')) i++;
          paramValue = value.slice(start, i).trim();
        }
      }
      // A repeated parameter is ignored (RFC 8288 §3.3 for `rel`, harmless for the rest).
      if (name !== '' && !(name in params)) params[name] = paramValue;
    }
    for (const rel of (params['rel'] ?? '').toLowerCase().split(/\s+/)) {
      if (rel !== '' && target !== '' && !(rel in links)) links[rel] = target;
    }
    // Anything up to the next comma is junk from a malformed link; resume after it.
    while (i < n && value[i] !== ',') i++;
  }
  return links;
}
