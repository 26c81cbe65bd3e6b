import { isObject, type GmailObject } from './gmail-request.js';

/**
 * What one page of `users.history.list` means for the messages stream. A history record lists messages added,
 * deleted, or whose labels changed; later records win, so a message added and then deleted on the same page is
 * only a deletion, and one deleted never comes back (Gmail ids are not reused).
 */
export const historyTypes = ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'];

export interface PageChanges {
  /** Messages to (re)read, in the order they first changed. */
  changed: string[];
  deleted: string[];
  /** The id of the page's last history record: where a resume starts. */
  lastId: string | null;
}

const changeKinds: [field: string, effect: 'changed' | 'deleted'][] = [
  ['messagesAdded', 'changed'],
  ['labelsAdded', 'changed'],
  ['labelsRemoved', 'changed'],
  ['messagesDeleted', 'deleted'],
];

export function changesOf(history: unknown): PageChanges {
  const effects = new Map<string, 'changed' | 'deleted'>();
  let lastId: string | null = null;
  for (const record of Array.isArray(history) ? history : []) {
    if (!isObject(record)) continue;
    if (typeof record['id'] === 'string') lastId = record['id'];
    for (const [field, effect] of changeKinds) {
      for (const id of messageIds(record[field])) {
        if (effects.get(id) !== 'deleted') effects.set(id, effect);
      }
    }
  }
  const changed: string[] = [];
  const deleted: string[] = [];
  for (const [id, effect] of effects) (effect === 'deleted' ? deleted : changed).push(id);
  return { changed, deleted, lastId };
}

/** `[{ message: { id, threadId, labelIds } , labelIds? }]` → message ids. */
function messageIds(entries: unknown): string[] {
  if (!Array.isArray(entries)) return [];
  const ids: string[] = [];
  for (const entry of entries as unknown[]) {
    const message = isObject(entry) ? (entry as GmailObject)['message'] : undefined;
    if (isObject(message) && typeof message['id'] === 'string') ids.push(message['id']);
  }
  return ids;
}
