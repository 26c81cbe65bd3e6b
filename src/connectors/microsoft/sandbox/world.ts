import { hash32, isoSeconds, Prng } from '../../kit/sandbox/index.js';

/**
 * The simulated mailbox's fixed facts, from the seed alone: its owner, the people who write to them, the two
 * mail folders, the ids Exchange would give every item, and the dates the seeded data spans.
 *
 * Exchange item ids are opaque base64url strings (`AAMkAGI2…AAA=`); here they encode the mailbox, the item's
 * kind and its index, so they are stable across restarts and distinct between seeds.
 */

export type ItemKind = 'event' | 'message' | 'folder';

const kindByte: Record<ItemKind, number> = { event: 0x45, message: 0x4d, folder: 0x46 };

const firstNames = ['Adele', 'Alex', 'Diego', 'Grady', 'Henrietta', 'Isaiah', 'Johanna', 'Joni', 'Lee', 'Lidia', 'Lynne', 'Megan', 'Miriam', 'Nestor', 'Patti', 'Pradeep'];
const lastNames = ['Vance', 'Wilber', 'Siciliani', 'Archie', 'Mueller', 'Langer', 'Lorenz', 'Sherman', 'Gu', 'Holloway', 'Robbins', 'Bowen', 'Graham', 'Wilke', 'Fernandez', 'Gupta'];
const domains = ['contoso.onmicrosoft.com', 'fabrikam.com', 'northwindtraders.com', 'tailspintoys.com', 'adventure-works.com', 'woodgrovebank.com'];
const jobTitles = ['Product Manager', 'Marketing Director', 'Developer', 'Sales Lead', 'Finance Analyst', 'Operations Manager'];
const offices = ['18/2111', '20/1101', '131/1104', '12/1110', '19/3123'];

export interface Person {
  name: string;
  address: string;
}

/** Seeded events start within this many days either side of the anchor. */
export const eventSpreadDays = 180;

export class MailboxWorld {
  readonly domain: string;
  readonly owner: Person & { givenName: string; surname: string; id: string; jobTitle: string; officeLocation: string };
  /** Index 0 is the owner. */
  readonly people: Person[];
  /** Epoch seconds, UTC midnight: seeded events are spread around it, seeded mail arrives before it. */
  readonly anchor: number;
  private readonly mailboxKey: Buffer;

  constructor(readonly seed: number) {
    const rng = new Prng(hash32(seed, 0x3a11));
    this.domain = rng.pick(domains);
    const first = rng.pick(firstNames);
    const last = rng.pick(lastNames);
    const userGuid = guid(seed, 0x05e4);
    this.owner = {
      name: `${first} ${last}`,
      givenName: first,
      surname: last,
      address: `${first}.${last}@${this.domain}`.toLowerCase(),
      id: userGuid,
      jobTitle: rng.pick(jobTitles),
      officeLocation: rng.pick(offices),
    };
    const people: Person[] = [this.owner];
    for (let i = 1; i < 24; i++) {
      const p = new Prng(hash32(seed, 0x9e0, i));
      const given = p.pick(firstNames);
      const family = p.pick(lastNames);
      const domain = p.chance(0.6) ? this.domain : p.pick(domains);
      people.push({ name: `${given} ${family}`, address: `${given}${family.charAt(0)}${i}@${domain}`.toLowerCase() });
    }
    this.people = people;
    this.anchor = Date.UTC(2025, 0, 1) / 1000 - (Math.abs(Math.trunc(seed)) % 97) * 86_400;
    this.mailboxKey = Buffer.from(userGuid.replace(/-/g, ''), 'hex');
  }

  /** An Exchange-style item id (`AAMk…AAA=`, base64url of 47 bytes): stable for (seed, kind, index). */
  itemId(kind: ItemKind, index: number): string {
    const bytes = Buffer.alloc(47);
    // 00 03 24 is what base64-encodes to Exchange's `AAMk` prefix.
    bytes.set([0x00, 0x03, 0x24], 0);
    this.mailboxKey.copy(bytes, 3);
    bytes[19] = kindByte[kind];
    bytes.writeUIntBE(Math.floor(index / 0x1_0000_0000), 20, 2);
    bytes.writeUInt32BE(index >>> 0, 22);
    bytes.writeUInt32BE(hash32(this.seed, index, kindByte[kind]), 26);
    return `${bytes.toString('base64url')}=`;
  }

  folderId(folder: MailFolder): string {
    return this.itemId('folder', folders.indexOf(folder));
  }

  /** A well-known folder name (any case) or a folder id, or null. */
  folderOf(nameOrId: string): MailFolder | null {
    const lower = nameOrId.toLowerCase();
    for (const folder of folders) if (folder === lower || this.folderId(folder) === nameOrId) return folder;
    return null;
  }
}

export const folders = ['inbox', 'sentitems'] as const;
export type MailFolder = (typeof folders)[number];
export const folderNames: Record<MailFolder, string> = { inbox: 'Inbox', sentitems: 'Sent Items' };

/** A GUID from the seed (users, tenants, request ids). */
export function guid(...values: number[]): string {
  const hex = [1, 2, 3, 4].map((salt) => hash32(...values, salt).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `request-id` values shaped like Graph's (GUIDs), deterministic per sandbox. */
export class RequestIds {
  private counter = 0;
  constructor(private readonly seed: number) {}
  next(): string {
    this.counter += 1;
    return guid(this.seed, 0x7e9, this.counter);
  }
}

/** A window a year either side of the anchor: wider than every event the sandbox holds or creates. */
export function calendarWindow(anchor: number): { start: string; end: string } {
  return { start: isoSeconds(anchor - 365 * 86_400).slice(0, 10), end: isoSeconds(anchor + 365 * 86_400).slice(0, 10) };
}
