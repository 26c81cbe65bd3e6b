import { hash32, isoSeconds, Prng, type StoredRecord } from '../../kit/sandbox/index.js';
import type { Mailbox } from './mailbox.js';
import { folderNames, guid, type MailboxWorld, type MailFolder, type Person } from './world.js';

/**
 * Microsoft Graph v1.0 JSON shapes (user, event, message, mailFolder) with Graph's property names and value
 * formats: entity timestamps with seven fractional digits (`2024-03-01T09:12:44.1234567Z`), mail timestamps at
 * second precision, event times as `{ dateTime, timeZone }` without an offset. Events and messages are made from
 * the kit's stored item (its index and times; `revision` salts what an update changes). Graph's facts cover every
 * property of the stream schemas, so the schema-made record (which gives the stores their keys) would be written
 * over whole: it is not made again on reads.
 */

type Json = Record<string, unknown>;

const meetingTopics = [
  'Weekly sync', 'Quarterly planning', 'Budget review', 'Customer call', 'Design review', 'Sprint retrospective',
  'Hiring debrief', 'Vendor onboarding', 'Board prep', 'Product demo', 'Roadmap workshop', 'One-on-one',
  'Security training', 'Launch readiness', 'Lunch and learn', 'Marketing standup', 'Contract negotiation',
];
const meetingSuffixes = ['', ' (rescheduled)', ' — follow-up', ' with Fabrikam', ' for Q3', ' — agenda inside', ' (optional)'];
const rooms = ['Conf Room Adams', 'Conf Room Baker', 'Conf Room Crystal', 'Conf Room Hood', 'Conf Room Rainier', 'Microsoft Teams Meeting', 'Cafeteria', 'Building 4 / 2104'];
const mailSubjects = [
  'Invoice for last month', 'Re: Project timeline', 'Updated proposal attached', 'Team offsite logistics',
  'Fw: Customer feedback', 'Your expense report was approved', 'Action required: review the contract',
  'Re: Hiring plan', 'Notes from today', 'Welcome to the team!', 'Quarterly numbers', 'Question about the API',
  'Re: Release checklist', 'Out of office next week', 'Lunch on Friday?', 'Reminder: timesheets due',
];
const mailSentences = [
  'Thanks for the quick turnaround on this.', 'Please find the details below.', 'Let me know if Thursday works for you.',
  'I have attached the latest version of the document.', 'Can we move this to next week?', 'The numbers look good so far.',
  'Looping in the rest of the team for visibility.', 'I will follow up once I hear back from legal.',
  'Could you review this before the end of the day?', 'Happy to jump on a call if that is easier.',
  'The customer confirmed the new dates.', 'We are on track for the launch.',
];
const categories = ['Blue category', 'Green category', 'Orange category', 'Purple category', 'Red category', 'Yellow category'];

/** `2024-03-01T09:12:44.1234567Z`: how Graph prints entity timestamps (created, last modified). */
export function graphTimestamp(epochSeconds: number, salt: number): string {
  const fraction = String(salt % 10_000_000).padStart(7, '0');
  return `${isoSeconds(epochSeconds).slice(0, 19)}.${fraction}Z`;
}

/** `2024-03-01T09:00:00.0000000`: an event's local date-time, in the zone named beside it. */
function eventDateTime(epochSeconds: number): string {
  return `${isoSeconds(epochSeconds).slice(0, 19)}.0000000`;
}

function changeKey(seed: number, k: number, revision: number, salt: number): string {
  return Buffer.from(Array.from({ length: 16 }, (_, i) => hash32(seed, k, revision, salt, i) & 0xff)).toString('base64');
}

function emailAddress(person: Person): Json {
  return { emailAddress: { name: person.name, address: person.address } };
}

function paragraphs(rng: Prng, count: number): string[] {
  return Array.from({ length: count }, () => `${rng.pick(mailSentences)} ${rng.pick(mailSentences)}`);
}

function html(lines: string[]): string {
  return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>${lines.map((l) => `<p>${l}</p>`).join('')}</body></html>`;
}

export function userObject(world: MailboxWorld, origin: string): Json {
  const { owner } = world;
  return {
    '@odata.context': `${origin}/v1.0/$metadata#users/$entity`,
    businessPhones: [`+1 425 555 0${String(hash32(world.seed, 0x7e1) % 1000).padStart(3, '0')}`],
    displayName: owner.name,
    givenName: owner.givenName,
    jobTitle: owner.jobTitle,
    mail: owner.address,
    mobilePhone: null,
    officeLocation: owner.officeLocation,
    preferredLanguage: 'en-US',
    surname: owner.surname,
    userPrincipalName: owner.address,
    id: owner.id,
  };
}

export function eventObject(mailbox: Mailbox, entry: StoredRecord): Json {
  const { world, seed } = mailbox;
  const k = entry.index;
  const version = mailbox.revision(entry);
  const rng = new Prng(hash32(seed, k, 0xe7, version));
  const times = mailbox.eventTimes(entry);
  const created = mailbox.eventCreatedAt(entry);
  const modified = entry.at;
  const organizerIndex = hash32(seed, k, 0x0e) % 3 === 0 ? 1 + (hash32(seed, k, 0x0f) % (world.people.length - 1)) : 0;
  const organizer = world.people[organizerIndex]!;
  const isOrganizer = organizerIndex === 0;
  const attendeeCount = rng.int(5);
  const attendees = rng
    .sample(world.people.slice(1), attendeeCount)
    .filter((p) => p !== organizer)
    .map((person, i) => ({
      type: i === 0 ? 'required' : rng.pick(['required', 'optional']),
      status: { response: rng.pick(['none', 'accepted', 'tentativelyAccepted', 'declined']), time: '0001-01-01T00:00:00Z' },
      ...emailAddress(person),
    }));
  const online = hash32(seed, k, 0x0d) % 2 === 0;
  const room = online ? 'Microsoft Teams Meeting' : rng.pick(rooms);
  const subject = `${meetingTopics[hash32(seed, k, 0x5b) % meetingTopics.length]}${version === 0 ? '' : rng.pick(meetingSuffixes)}`;
  const lines = paragraphs(rng, 1 + rng.int(2));
  const id = world.itemId('event', k);
  const key = changeKey(seed, k, version, 0xe);
  const iCalUId = `040000008200E00074C5B7101A82E00800000000${hash32(seed, k, 0x1c).toString(16).padStart(8, '0').toUpperCase()}${'0'.repeat(16)}10000000${hash32(seed, k, 0x1d).toString(16).padStart(8, '0').toUpperCase()}`;
  return {
    '@odata.type': '#microsoft.graph.event',
    '@odata.etag': `W/"${key}"`,
    id,
    createdDateTime: graphTimestamp(created, hash32(seed, k, 0x21)),
    lastModifiedDateTime: graphTimestamp(modified, hash32(seed, k, 0x22, version)),
    changeKey: key,
    categories: hash32(seed, k, 0x23, version) % 4 === 0 ? [categories[hash32(seed, k, 0x24) % categories.length]] : [],
    transactionId: null,
    originalStartTimeZone: 'UTC',
    originalEndTimeZone: 'UTC',
    iCalUId,
    uid: iCalUId,
    reminderMinutesBeforeStart: times.isAllDay ? 1080 : 15,
    isReminderOn: !times.isAllDay,
    hasAttachments: false,
    subject,
    bodyPreview: lines.join('\r\n').slice(0, 255),
    importance: hash32(seed, k, 0x25) % 9 === 0 ? 'high' : 'normal',
    sensitivity: 'normal',
    isAllDay: times.isAllDay,
    isCancelled: false,
    isOrganizer,
    responseRequested: true,
    seriesMasterId: null,
    showAs: times.isAllDay ? 'free' : 'busy',
    type: 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: online,
    onlineMeetingProvider: online ? 'teamsForBusiness' : 'unknown',
    allowNewTimeProposals: true,
    occurrenceId: null,
    isDraft: false,
    hideAttendees: false,
    responseStatus: { response: isOrganizer ? 'organizer' : 'accepted', time: isOrganizer ? '0001-01-01T00:00:00Z' : graphTimestamp(created + 600, hash32(seed, k, 0x26)) },
    body: { contentType: 'html', content: html(lines) },
    start: { dateTime: eventDateTime(times.start), timeZone: 'UTC' },
    end: { dateTime: eventDateTime(times.end), timeZone: 'UTC' },
    location: { displayName: room, locationType: 'default', uniqueId: room, uniqueIdType: 'private' },
    locations: [{ displayName: room, locationType: 'default', uniqueId: room, uniqueIdType: 'private' }],
    recurrence: null,
    attendees,
    organizer: emailAddress(organizer),
    onlineMeeting: online ? { joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${guid(seed, k, 0x27).replace(/-/g, '')}%40thread.v2/0` } : null,
  };
}

export function messageObject(mailbox: Mailbox, entry: StoredRecord): Json {
  const { world, seed } = mailbox;
  const k = entry.index;
  const version = mailbox.revision(entry);
  const rng = new Prng(hash32(seed, k, 0x3a, 0));
  const folder = mailbox.folderOf(entry);
  const received = entry.createdAt;
  const modified = entry.at;
  const owner = world.people[0]!;
  const correspondent = world.people[1 + (hash32(seed, k, 0x31) % (world.people.length - 1))]!;
  const sent = folder === 'sentitems';
  const from = sent ? owner : correspondent;
  const to = sent ? [correspondent] : [owner];
  const cc = rng.chance(0.3) ? rng.sample(world.people.slice(1), 1 + rng.int(2)).filter((p) => p !== correspondent) : [];
  const lines = paragraphs(rng, 1 + rng.int(3));
  const id = world.itemId('message', k);
  const key = changeKey(seed, k, version, 0x4d);
  // Updates are what mailbox users do to mail: read it, flag it, categorise it.
  const isRead = sent || (version === 0 ? hash32(seed, k, 0x32) % 3 !== 0 : hash32(seed, k, 0x33, version) % 4 !== 0);
  const flagged = version > 0 && hash32(seed, k, 0x34, version) % 3 === 0;
  const conversation = guid(seed, k, 0x35);
  return {
    '@odata.type': '#microsoft.graph.message',
    '@odata.etag': `W/"${key}"`,
    id,
    createdDateTime: isoSeconds(received),
    lastModifiedDateTime: isoSeconds(modified),
    changeKey: key,
    categories: version > 0 && hash32(seed, k, 0x36, version) % 2 === 0 ? [categories[hash32(seed, k, 0x37) % categories.length]] : [],
    receivedDateTime: isoSeconds(received),
    sentDateTime: isoSeconds(received - 2 - (hash32(seed, k, 0x38) % 50)),
    hasAttachments: hash32(seed, k, 0x39) % 7 === 0,
    internetMessageId: `<${hash32(seed, k, 0x3b).toString(36)}${hash32(seed, k, 0x3c).toString(36)}@${from.address.split('@')[1]}>`,
    subject: mailSubjects[hash32(seed, k, 0x3d) % mailSubjects.length],
    bodyPreview: lines.join('\r\n').slice(0, 255),
    importance: hash32(seed, k, 0x3e) % 11 === 0 ? 'high' : 'normal',
    parentFolderId: world.folderId(folder),
    conversationId: Buffer.from(conversation.replace(/-/g, ''), 'hex').toString('base64url') + '=',
    conversationIndex: Buffer.from(Array.from({ length: 22 }, (_, i) => hash32(seed, k, 0x3f, i) & 0xff)).toString('base64'),
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead,
    isDraft: false,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: hash32(seed, k, 0x40) % 4 === 0 ? 'other' : 'focused',
    body: { contentType: 'html', content: html(lines) },
    sender: emailAddress(from),
    from: emailAddress(from),
    toRecipients: to.map(emailAddress),
    ccRecipients: cc.map(emailAddress),
    bccRecipients: [],
    replyTo: [],
    flag: { flagStatus: flagged ? 'flagged' : 'notFlagged' },
  };
}

export function mailFolderObject(world: MailboxWorld, folder: MailFolder, total: number): Json {
  const unread = folder === 'inbox' ? Math.floor(total / 3) : 0;
  return {
    id: world.folderId(folder),
    displayName: folderNames[folder],
    parentFolderId: world.itemId('folder', 99),
    childFolderCount: 0,
    unreadItemCount: unread,
    totalItemCount: total,
    sizeInBytes: total * 4_096,
    isHidden: false,
  };
}
