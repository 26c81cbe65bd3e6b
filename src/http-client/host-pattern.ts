import { hostPatternProblem } from '../contracts/host-pattern.js';
import { normalizeHost } from './host-allowlist.js';

export type HostMatcher = (host: string) => boolean;

/**
 * A matcher for one host pattern (grammar: `src/contracts/host-pattern.ts`). Hosts are normalised first
 * (lower case, no trailing dot, IPv6 bracketed) so `API.GitHub.com.` matches `api.github.com`.
 *
 * @example compileHostPattern('{subdomain}.zendesk.com')('acme.zendesk.com') // true
 */
export function compileHostPattern(pattern: string): HostMatcher {
  const problem = hostPatternProblem(pattern);
  if (problem) throw new Error(`Host pattern "${pattern}" ${problem}.`);
  const source = pattern
    .split('.')
    .map((label) => (label === '*' ? '[a-z0-9-]+' : label.split(/(\{[a-z][a-z0-9_]*\})/).map(part).join('')))
    .join('\\.');
  const regex = new RegExp(`^${source}$`);
  return (host) => {
    let normalized: string;
    try {
      normalized = normalizeHost(host);
    } catch {
      return false;
    }
    return regex.test(normalized);
  };
}

function part(text: string): string {
  if (text.startsWith('{')) return '[a-z0-9-]+';
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
