import { hash32, issueTitle, paragraphs, Prng } from '../../kit/sandbox/index.js';
import type { Mailbox } from './mailbox.js';

/** Gmail's JSON for messages, threads and the profile, generated from the mailbox. */

export type MessageFormat = 'minimal' | 'metadata' | 'full' | 'raw';
export type Json = Record<string, unknown>;

const contacts = [
  ['Priya Raman', 'priya.raman@northwind.example'],
  ['Tomás Ortega', 'tomas@ortega-consulting.example'],
  ['Mei Chen', 'mei.chen@acme.example'],
  ['Olusegun Adeyemi', 'segun@fabrikam.example'],
  ['Hannah Becker', 'h.becker@contoso.example'],
  ['Lucas Martin', 'lucas.martin@tailspin.example'],
  ['Aiko Tanaka', 'aiko@wingtip.example'],
  ['Noah Williams', 'noah.w@litware.example'],
  ['Fatima Zahra', 'fatima@adatum.example'],
  ['GitHub', 'notifications@github.example'],
  ['Billing', 'billing@cloudhost.example'],
  ['Sofia Rossi', 'sofia.rossi@proseware.example'],
] as const;

const firstNames = ['Alex', 'Sam', 'Jordan', 'Robin', 'Casey', 'Morgan', 'Jamie', 'Taylor'];

export function ownerOf(seed: number): { name: string; email: string } {
  const first = firstNames[hash32(seed, 31) % firstNames.length]!;
  return { name: `${first} Sandbox`, email: `${first.toLowerCase()}.sandbox.${seed}@gmail.example` };
}

function address(name: string, email: string): string {
  return `${name} <${email}>`;
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date, as mail headers carry it: `Tue, 3 Jan 2023 10:21:07 +0000`. */
export function rfc5322Date(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

interface Content {
  headers: { name: string; value: string }[];
  snippet: string;
  body: string;
  size: number;
}

/** What a message says never changes (only its labels do), so it depends on `(seed, k)` alone. */
function contentOf(box: Mailbox, k: number): Content {
  const thread = box.threadOf(k);
  const threadRng = new Prng(hash32(box.seed, thread, 22));
  const subject = issueTitle(threadRng);
  const regular = contacts[threadRng.int(contacts.length)]!;
  // Nearly half the conversations are with people of the business world the other sandboxes share (the same
  // clients pay through Stripe and are invoiced in QuickBooks); a person often writes in several threads.
  const person = hash32(box.seed, thread, 25) % 100 < 45 ? box.world.pick(new Prng(hash32(box.seed, thread, 26))) : null;
  const [name, email] = person ? [person.name, person.email] : regular;
  const owner = ownerOf(box.seed);
  const sent = box.isSent(k);
  const rng = new Prng(hash32(box.seed, k, 21));
  const body = paragraphs(rng, 200 + rng.int(600));
  const from = sent ? address(owner.name, owner.email) : address(name, email);
  const to = sent ? address(name, email) : address(owner.name, owner.email);
  const ms = box.timeOf(k);
  const headers = [
    { name: 'MIME-Version', value: '1.0' },
    { name: 'Date', value: rfc5322Date(ms) },
    { name: 'Message-ID', value: `<${box.idOf(k)}.${hash32(box.seed, k, 23).toString(36)}@mail.example>` },
    { name: 'Subject', value: k === thread ? subject : `Re: ${subject}` },
    { name: 'From', value: from },
    { name: 'To', value: to },
    { name: 'Content-Type', value: 'text/plain; charset="UTF-8"' },
  ];
  const snippet = body.replace(/\s+/g, ' ').slice(0, 140).trim();
  return { headers, snippet, body, size: 900 + body.length + (hash32(box.seed, k, 24) % 40_000) };
}

/**
 * `users.messages.get` in one of its formats: `minimal` (ids, labels, snippet, sizes), `metadata` (plus the
 * headers, only the `metadataHeaders` asked for when any are), `full` (plus the body) or `raw` (the RFC 822
 * message, base64url).
 */
export function messageJson(box: Mailbox, k: number, format: MessageFormat, metadataHeaders: string[] = []): Json {
  const content = contentOf(box, k);
  const base: Json = {
    id: box.idOf(k),
    threadId: box.idOf(box.threadOf(k)),
    labelIds: box.labelsOf(k),
    snippet: content.snippet,
  };
  const tail: Json = { sizeEstimate: content.size, historyId: String(box.historyIdOf(k)), internalDate: String(box.timeOf(k)) };
  if (format === 'minimal') return { ...base, ...tail };
  if (format === 'raw') {
    const text = `${content.headers.map((h) => `${h.name}: ${h.value}`).join('\r\n')}\r\n\r\n${content.body}`;
    return { ...base, ...tail, raw: Buffer.from(text, 'utf8').toString('base64url') };
  }
  const wanted = metadataHeaders.map((name) => name.toLowerCase());
  const headers = format === 'metadata' && wanted.length > 0 ? content.headers.filter((h) => wanted.includes(h.name.toLowerCase())) : content.headers;
  const payload: Json = { partId: '', mimeType: 'text/plain', filename: '', headers };
  if (format === 'full') {
    const data = Buffer.from(content.body, 'utf8');
    payload['body'] = { size: data.length, data: data.toString('base64url') };
  }
  return { ...base, payload, ...tail };
}

/** A `threads.list` item: the latest live message's snippet and the highest history id of the thread. */
export function threadListItem(box: Mailbox, thread: number, members = box.members(thread)): Json {
  const last = members.at(-1)!;
  const historyId = Math.max(...members.map((k) => box.historyIdOf(k)));
  return { id: box.idOf(thread), snippet: contentOf(box, last).snippet, historyId: String(historyId) };
}

export function threadJson(box: Mailbox, thread: number, format: MessageFormat, metadataHeaders: string[]): Json {
  const members = box.members(thread);
  const historyId = Math.max(...members.map((k) => box.historyIdOf(k)));
  const messageFormat = format === 'raw' ? 'minimal' : format;
  return { id: box.idOf(thread), historyId: String(historyId), messages: members.map((k) => messageJson(box, k, messageFormat, metadataHeaders)) };
}

export function profileJson(box: Mailbox): Json {
  return {
    emailAddress: ownerOf(box.seed).email,
    messagesTotal: box.totals.messages + box.totals.hiddenMessages,
    threadsTotal: box.totals.threads + box.totals.hiddenThreads,
    historyId: String(box.historyId),
  };
}
