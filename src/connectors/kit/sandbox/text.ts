import type { Prng } from './prng.js';

/** Plausible software-project prose for generated records: deterministic, never lorem ipsum. */
const subjects = [
  'the sync worker', 'the login page', 'pagination', 'the webhook handler', 'the CSV export', 'the API client',
  'the settings panel', 'rate limiting', 'the search index', 'the billing job', 'the mobile app', 'the CLI',
  'the dashboard', 'the token refresh', 'the retry logic', 'the cache layer', 'the migration script',
  'the onboarding flow', 'the audit log', 'dark mode', 'the date picker', 'the upload form', 'the docs site',
] as const;

const problems = [
  'crashes when the list is empty', 'times out on large accounts', 'returns duplicate rows',
  'ignores the time zone', 'leaks memory after a few hours', 'shows a blank screen on Safari',
  'drops the last page', 'fails with a 502 behind the proxy', 'double-counts cancelled items',
  'is slow on first load', 'logs the access token', 'retries forever on 429', 'breaks with unicode names',
  'loses the cursor after a restart', 'sorts numbers as strings', 'does not respect the locale',
] as const;

const verbs = [
  'Fix', 'Improve', 'Refactor', 'Document', 'Speed up', 'Harden', 'Simplify', 'Test', 'Rework', 'Clean up',
] as const;

const sentences = [
  'Steps to reproduce are below.', 'This started after the last release.', 'It only happens on production.',
  'I could reproduce it locally with a fresh database.', 'The logs show a timeout right before the failure.',
  'A workaround is to restart the service, but it comes back.', 'We should add a regression test for this.',
  'Expected behaviour: the request completes and the page shows every item.',
  'Actual behaviour: the request fails and the user sees an error message.',
  'This affects roughly a tenth of our customers.', 'Happy to open a pull request if the approach sounds right.',
  'See the linked discussion for more context.', 'The fix probably belongs in the shared client.',
  'Version information is attached.', 'It might be related to the recent dependency upgrade.',
  'Tested on Node 20 and on the latest Chrome.', 'Priority is medium: there is a workaround.',
  'The same code path is used by the scheduled job.', 'Nothing in the changelog mentions this.',
] as const;

/**
 * A plausible issue title ("The CSV export drops the last page"), drawn from `rng`.
 *
 * @example
 * ```ts
 * const title = issueTitle(new Prng(hash32(seed, index)));
 * ```
 */
export function issueTitle(rng: Prng): string {
  const subject = rng.pick(subjects);
  const problem = rng.pick(problems);
  return `${subject.charAt(0).toUpperCase()}${subject.slice(1)} ${problem}`;
}

/**
 * A plausible pull-request title ("Harden the retry logic"), drawn from `rng`.
 *
 * @example
 * ```ts
 * const title = kind === 'pull' ? pullRequestTitle(rng) : issueTitle(rng);
 * ```
 */
export function pullRequestTitle(rng: Prng): string {
  return `${rng.pick(verbs)} ${rng.pick(subjects)}`;
}

/**
 * A few paragraphs of about `chars` characters in total (at least `chars`; blank-line separated), drawn from `rng`.
 *
 * @example
 * ```ts
 * const body = paragraphs(rng, 100 + rng.int(150));
 * ```
 */
export function paragraphs(rng: Prng, chars: number): string {
  const parts: string[] = [];
  let length = 0;
  let paragraph: string[] = [];
  while (length < chars) {
    const sentence = rng.pick(sentences);
    paragraph.push(sentence);
    length += sentence.length + 1;
    if (paragraph.length >= 3 && rng.chance(0.4)) {
      parts.push(paragraph.join(' '));
      paragraph = [];
    }
  }
  if (paragraph.length > 0) parts.push(paragraph.join(' '));
  return parts.join('\n\n');
}
