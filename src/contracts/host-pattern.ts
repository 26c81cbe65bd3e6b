import { z } from 'zod';

/**
 * The grammar of a host pattern, shared by manifests' `allowed_hosts` and the operator's
 * `TRIBUTARY_ALLOWED_HOSTS`; matching lives in `src/http-client/host-pattern.ts`.
 *
 * - an exact host: `api.github.com`, an IP literal `127.0.0.1`;
 * - a wildcard first label: `*.atlassian.net` matches `acme.atlassian.net`, neither `atlassian.net` nor
 *   `a.b.atlassian.net` (one label, as in TLS certificates);
 * - placeholders inside labels: `{subdomain}.zendesk.com`, `api-{region}.example.com`; each stands for one
 *   label's worth of letters, digits and hyphens.
 *
 * A pattern with a wildcard or placeholder must end in two fixed labels, so `*.com` or `{x}.co` cannot open a
 * whole top-level domain. No scheme, port or path: a pattern names hosts only.
 */
const LABEL = /^(\*|(?:[a-z0-9-]|\{[a-z][a-z0-9_]*\})+)$/;

export function hostPatternProblem(pattern: string): string | null {
  if (pattern !== pattern.trim() || pattern === '') return 'is empty or has spaces';
  if (pattern !== pattern.toLowerCase()) return 'must be lower-case';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(pattern) || /^\[[0-9a-f:.]+\]$/.test(pattern)) return null;
  if (/[/:@?#]/.test(pattern)) return 'must be a host name only (no scheme, port or path)';
  const labels = pattern.split('.');
  for (const [i, label] of labels.entries()) {
    if (!LABEL.test(label)) return `has an invalid label "${label}"`;
    if (label === '*' && i !== 0) return 'may use * only as its first label';
  }
  const variable = (label: string) => label === '*' || label.includes('{');
  if (labels.some(variable) && (labels.length < 3 || labels.slice(-2).some(variable))) {
    return 'with a wildcard or placeholder must end in two fixed labels (e.g. *.example.com)';
  }
  return null;
}

export const HostPatternSchema = z.string().superRefine((value, ctx) => {
  const problem = hostPatternProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `allowed host "${value}" ${problem}` });
});
