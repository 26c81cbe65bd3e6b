import { hash32, Prng } from '../../kit/sandbox/index.js';

/**
 * Who and what the simulated account holds, from the seed alone: the signed-in user, the people they meet,
 * and the calendars on their calendar list. Ids follow Google's shapes: the primary calendar's id is the
 * user's address, secondary calendars are `c_…@group.calendar.google.com`, event ids are base32hex.
 */

const domain = 'tributary.example';
const firstNames = ['ada', 'bruno', 'chiara', 'daniel', 'emeka', 'fatima', 'gustav', 'hana', 'ivan', 'julia', 'kofi', 'lena', 'mateo', 'noor'];
const lastNames = ['moreau', 'okafor', 'lindqvist', 'tanaka', 'rossi', 'haddad', 'novak', 'silva', 'berg', 'kowalski'];

export interface CalendarFacts {
  id: string;
  summary: string;
  description: string | null;
  timeZone: string;
  accessRole: 'owner' | 'writer' | 'reader';
  primary: boolean;
  colorId: string;
  backgroundColor: string;
  foregroundColor: string;
  /** Who organises the events of this calendar: the user, the calendar itself, or a colleague. */
  organizer: 'user' | 'calendar' | 'colleague';
}

export interface Person {
  email: string;
  displayName: string;
}

/** Google's calendar colour palette entries (colorId → background), as `GET /colors` lists them. */
const calendarColors: [string, string][] = [
  ['14', '#9fe1e7'],
  ['9', '#7bd148'],
  ['17', '#9a9cff'],
  ['4', '#fa573c'],
  ['22', '#f691b2'],
];

/** Base32hex (`0-9a-v`), the alphabet Google uses for event ids. */
function base32hex(rng: Prng, length: number): string {
  let out = '';
  while (out.length < length) out += rng.nextUint32().toString(32);
  return out.slice(0, length);
}

export class CalendarWorld {
  readonly user: Person;
  readonly people: Person[];
  readonly calendars: CalendarFacts[];
  private readonly idSalt: number;

  constructor(readonly seed: number) {
    const rng = new Prng(hash32(seed, 0xca1));
    const names = rng.sample(firstNames, 9);
    const surnames = rng.sample(lastNames, 9);
    const person = (i: number): Person => {
      const first = names[i]!;
      const last = surnames[i]!;
      return { email: `${first}.${last}@${domain}`, displayName: `${cap(first)} ${cap(last)}` };
    };
    this.user = person(0);
    this.people = Array.from({ length: 8 }, (_, i) => person(i + 1));
    this.idSalt = hash32(seed, 0x1d5);
    const group = () => `c_${base32hex(rng, 26)}@group.calendar.google.com`;
    const zone = rng.pick(['Europe/Berlin', 'Europe/London', 'America/New_York', 'Asia/Tokyo']);
    this.calendars = [
      {
        id: this.user.email,
        summary: this.user.email,
        description: null,
        timeZone: zone,
        accessRole: 'owner',
        primary: true,
        ...colour(0),
        organizer: 'user',
      },
      {
        id: group(),
        summary: 'Team meetings',
        description: 'Stand-ups, planning and retrospectives of the platform team.',
        timeZone: zone,
        accessRole: 'owner',
        primary: false,
        ...colour(1),
        organizer: 'calendar',
      },
      {
        id: group(),
        summary: 'Product launches',
        description: `Shared by ${this.people[0]!.displayName}: release dates and launch reviews.`,
        timeZone: 'America/New_York',
        accessRole: 'writer',
        primary: false,
        ...colour(2),
        organizer: 'colleague',
      },
    ];
  }

  /** Calendar index for an id (or `primary`), or null. */
  calendarIndex(id: string): number | null {
    if (id === 'primary') return 0;
    const index = this.calendars.findIndex((c) => c.id.toLowerCase() === id.toLowerCase());
    return index === -1 ? null : index;
  }

  /**
   * An event id: 16 random base32hex characters, then the global index in base32hex so ids never collide.
   * 22 characters in all, within Google's 5–1024.
   */
  eventId(k: number): string {
    return `${base32hex(new Prng(hash32(this.idSalt, k)), 16)}${k.toString(32).padStart(6, '0')}`;
  }
}

function colour(i: number): { colorId: string; backgroundColor: string; foregroundColor: string } {
  const [colorId, backgroundColor] = calendarColors[i % calendarColors.length]!;
  return { colorId, backgroundColor, foregroundColor: '#000000' };
}

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
