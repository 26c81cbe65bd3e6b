import { isObject } from '../../../http-client/index.js';

/**
 * A config value that lists things (repositories, calendars, projects, folders): a JSON array, or the
 * comma-separated text a form field gives. Blank items are dropped and duplicates kept once, in order; an absent
 * value is an empty list. The one reading of a list setting that every connector uses.
 *
 * @example
 * ```ts
 * configList({ repositories: 'octo/app, octo/api,,octo/app' }, 'repositories'); // ['octo/app', 'octo/api']
 * configList({ calendars: ['primary'] }, 'calendars'); // ['primary']
 * ```
 */
export function configList(config: Record<string, unknown> | undefined, key: string): string[] {
  const raw = isObject(config) ? config[key] : undefined;
  const items = Array.isArray(raw) ? raw.map((item) => (typeof item === 'string' || typeof item === 'number' ? String(item) : '')) : typeof raw === 'string' ? raw.split(',') : [];
  return [...new Set(items.map((item) => item.trim()).filter((item) => item !== ''))];
}
