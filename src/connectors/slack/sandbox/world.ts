import { hash32, Prng } from '../../kit/sandbox/index.js';
import { slackId } from './ids.js';

/**
 * The workspace around the messages: team, app, bot, members and channels. Small (a few hundred objects at
 * most), so it is built once from the seed and kept; the messages are the part generated on the fly.
 */
export type SlackObject = Record<string, unknown>;

export interface Channel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isMember: boolean;
  created: number;
  numMembers: number;
  topic: string;
  purpose: string;
}

const firstNames = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Linus', 'Radia', 'Dennis', 'Frances', 'Guido', 'Hedy', 'Donald', 'Karen', 'Bjarne', 'Annie', 'Tim', 'Sophie', 'Niklaus'];
const lastNames = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Hamilton', 'Torvalds', 'Perlman', 'Ritchie', 'Allen', 'van Rossum', 'Lamarr', 'Knuth', 'Sparck Jones', 'Stroustrup', 'Easley', 'Berners-Lee', 'Wilson', 'Wirth'];
const titles = ['Engineer', 'Product Manager', 'Designer', 'Support Lead', 'Account Executive', 'Data Analyst', 'SRE', 'Engineering Manager', 'Marketing Lead', ''];
const timezones: [string, string, number][] = [
  ['America/Los_Angeles', 'Pacific Standard Time', -28800],
  ['America/New_York', 'Eastern Standard Time', -18000],
  ['Europe/London', 'Greenwich Mean Time', 0],
  ['Europe/Berlin', 'Central European Time', 3600],
  ['Asia/Kolkata', 'India Standard Time', 19800],
  ['Asia/Tokyo', 'Japan Standard Time', 32400],
];
const colors = ['9f69e7', '4bbe2e', 'e7392d', '3c989f', 'e96699', 'de5f24', '5b89d5', 'bc3663'];
const channelNames = ['general', 'random', 'engineering', 'product', 'design', 'support', 'sales', 'marketing', 'incidents', 'releases', 'data', 'hiring', 'ops', 'announcements', 'customer-feedback', 'frontend', 'backend', 'mobile', 'security', 'finance'];

/** Seeded members are updated before this; the bot user after it (the app was installed last). */
const installedAt = Date.UTC(2024, 0, 15) / 1000;

export class SlackWorld {
  readonly teamId: string;
  readonly teamName: string;
  readonly domain: string;
  readonly appId: string;
  readonly botId: string;
  readonly botUserId: string;
  readonly enterpriseId = null;
  readonly users: SlackObject[];
  /** Active human members: who writes messages. */
  readonly authors: string[];
  readonly channels: Channel[];
  /** Channels whose history the bot can read, in list order: where the seeded messages live. */
  readonly readable: number[];
  /** Readable channels that are not archived: where new messages and edits can happen. */
  readonly writable: number[];

  constructor(
    readonly seed: number,
    messageCount: number,
  ) {
    const rng = new Prng(hash32(seed, 0x7ea));
    this.teamId = slackId('T', seed, 0);
    const word = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'vandelay', 'stark', 'wayne'][hash32(seed, 1) % 8]!;
    this.teamName = `${word.charAt(0).toUpperCase()}${word.slice(1)} Sandbox`;
    this.domain = `${word}-sandbox-${hash32(seed, 2) % 1000}`;
    this.appId = slackId('A', seed, 0);
    this.botId = slackId('B', seed, 0);
    const humans = Math.max(6, Math.min(500, Math.ceil(messageCount / 40)));
    this.botUserId = slackId('U', seed, humans);
    this.users = [];
    for (let i = 0; i < humans; i++) this.users.push(this.human(i, humans, rng));
    this.users.push(this.botUser());
    this.users.push(slackbot(this.teamId));
    this.authors = this.users.filter((u) => u['is_bot'] === false && u['deleted'] === false && u['id'] !== 'USLACKBOT').map((u) => u['id'] as string);

    // Bigger workspaces have more channels and busier ones: 5 for 300 messages, 29 for 10,000, 200 from 480,000.
    const readableCount = Math.max(3, Math.min(200, Math.round(Math.sqrt(messageCount / 12))));
    this.channels = [];
    for (let i = 0; i <= readableCount; i++) this.channels.push(this.channel(i, readableCount, humans, rng));
    this.readable = this.channels.map((c, i) => (c.isMember ? i : -1)).filter((i) => i >= 0);
    this.writable = this.readable.filter((i) => !this.channels[i]!.isArchived);
  }

  private human(i: number, count: number, rng: Prng): SlackObject {
    const first = firstNames[(i + hash32(this.seed, i, 3)) % firstNames.length]!;
    const last = lastNames[hash32(this.seed, i, 4) % lastNames.length]!;
    const name = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + (i >= firstNames.length ? String(i) : '');
    const [tz, tzLabel, tzOffset] = timezones[hash32(this.seed, i, 5) % timezones.length]!;
    // The last member left the company: Slack keeps deactivated accounts in users.list with `deleted: true`.
    const deleted = i === count - 1;
    const title = titles[hash32(this.seed, i, 6) % titles.length]!;
    const avatar = hash32(this.seed, i, 7).toString(16).padStart(8, '0') + hash32(this.seed, i, 8).toString(16).slice(0, 4);
    return {
      id: slackId('U', this.seed, i),
      team_id: this.teamId,
      name,
      deleted,
      color: colors[i % colors.length],
      real_name: `${first} ${last}`,
      tz,
      tz_label: tzLabel,
      tz_offset: tzOffset,
      profile: {
        title,
        phone: '',
        skype: '',
        real_name: `${first} ${last}`,
        real_name_normalized: `${first} ${last}`,
        display_name: i % 3 === 0 ? first.toLowerCase() : '',
        display_name_normalized: i % 3 === 0 ? first.toLowerCase() : '',
        fields: null,
        status_text: i % 4 === 1 ? 'In a meeting' : '',
        status_emoji: i % 4 === 1 ? ':calendar:' : '',
        status_expiration: 0,
        avatar_hash: avatar.slice(0, 12),
        email: `${name}@${this.domain}.example.com`,
        first_name: first,
        last_name: last,
        image_24: `https://avatars.slack-edge.com/${avatar}_24.png`,
        image_48: `https://avatars.slack-edge.com/${avatar}_48.png`,
        image_192: `https://avatars.slack-edge.com/${avatar}_192.png`,
        team: this.teamId,
      },
      is_admin: i === 0 || (!deleted && rng.chance(0.1)),
      is_owner: i === 0,
      is_primary_owner: i === 0,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: false,
      is_app_user: false,
      updated: installedAt - 86_400 * (1 + (hash32(this.seed, i, 9) % 300)),
      is_email_confirmed: true,
      who_can_share_contact_card: 'EVERYONE',
    };
  }

  private botUser(): SlackObject {
    return {
      id: this.botUserId,
      team_id: this.teamId,
      name: 'tributary',
      deleted: false,
      color: '4a154b',
      real_name: 'Tributary',
      tz: 'America/Los_Angeles',
      tz_label: 'Pacific Standard Time',
      tz_offset: -28800,
      profile: {
        title: '',
        phone: '',
        skype: '',
        real_name: 'Tributary',
        real_name_normalized: 'Tributary',
        display_name: '',
        display_name_normalized: '',
        status_text: '',
        status_emoji: '',
        avatar_hash: 'g0000000000a',
        bot_id: this.botId,
        api_app_id: this.appId,
        always_active: false,
        first_name: 'Tributary',
        last_name: '',
        image_24: 'https://a.slack-edge.com/80588/img/plugins/app/bot_24.png',
        image_48: 'https://a.slack-edge.com/80588/img/plugins/app/bot_48.png',
        image_192: 'https://a.slack-edge.com/80588/img/plugins/app/service_192.png',
        team: this.teamId,
      },
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: true,
      is_app_user: false,
      updated: installedAt,
      is_email_confirmed: false,
      who_can_share_contact_card: 'EVERYONE',
    };
  }

  /**
   * Channel 0 is #general; the last readable one is private; the fourth (when there are five or more) is
   * archived; and one more public channel at the end never invited the bot, so its history is `not_in_channel`.
   */
  private channel(i: number, readableCount: number, humans: number, rng: Prng): Channel {
    const outside = i === readableCount;
    const base = outside ? 'partners-external' : channelNames[i % channelNames.length]!;
    const name = !outside && i >= channelNames.length ? `${base}-${Math.floor(i / channelNames.length) + 1}` : base;
    return {
      id: slackId('C', this.seed, i),
      name,
      isPrivate: !outside && i === readableCount - 1 && readableCount > 1,
      isArchived: !outside && i === 3 && readableCount >= 5,
      isMember: !outside,
      created: installedAt - 86_400 * (400 - i),
      numMembers: i === 0 ? humans - 1 : 2 + rng.int(Math.max(1, humans - 2)),
      topic: i === 0 ? 'Company-wide announcements and work-based matters' : `All things ${base.replace(/-\d+$/, '').replace(/-/g, ' ')}`,
      purpose: i === 0 ? 'This channel is for team-wide communication and announcements.' : '',
    };
  }

  /** A conversation object as conversations.list shows it. */
  channelObject(index: number): SlackObject {
    const c = this.channels[index]!;
    const creator = slackId('U', this.seed, 0);
    return {
      id: c.id,
      name: c.name,
      is_channel: true,
      is_group: false,
      is_im: false,
      is_mpim: false,
      is_private: c.isPrivate,
      created: c.created,
      is_archived: c.isArchived,
      is_general: index === 0,
      unlinked: 0,
      name_normalized: c.name,
      is_shared: false,
      is_org_shared: false,
      is_pending_ext_shared: false,
      pending_shared: [],
      context_team_id: this.teamId,
      updated: c.created * 1000 + 512,
      parent_conversation: null,
      creator,
      is_ext_shared: false,
      shared_team_ids: [this.teamId],
      pending_connected_team_ids: [],
      is_member: c.isMember,
      topic: { value: c.topic, creator, last_set: c.created },
      purpose: { value: c.purpose, creator: c.purpose === '' ? '' : creator, last_set: c.purpose === '' ? 0 : c.created },
      previous_names: index === 2 ? ['dev'] : [],
      num_members: c.numMembers,
    };
  }

  channelIndex(id: string): number | null {
    const index = this.channels.findIndex((c) => c.id === id);
    return index === -1 ? null : index;
  }
}

function slackbot(teamId: string): SlackObject {
  return {
    id: 'USLACKBOT',
    team_id: teamId,
    name: 'slackbot',
    deleted: false,
    color: '757575',
    real_name: 'Slackbot',
    tz: 'America/Los_Angeles',
    tz_label: 'Pacific Standard Time',
    tz_offset: -28800,
    profile: {
      title: '',
      phone: '',
      skype: '',
      real_name: 'Slackbot',
      real_name_normalized: 'Slackbot',
      display_name: 'Slackbot',
      display_name_normalized: 'Slackbot',
      status_text: '',
      status_emoji: '',
      avatar_hash: 'sv41d8cd98f0',
      always_active: true,
      first_name: 'slackbot',
      last_name: '',
      image_24: 'https://a.slack-edge.com/80588/img/slackbot_24.png',
      image_48: 'https://a.slack-edge.com/80588/img/slackbot_48.png',
      image_192: 'https://a.slack-edge.com/80588/marketing/img/avatars/slackbot/avatar-slackbot.png',
      team: teamId,
    },
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: false,
    is_app_user: false,
    updated: 0,
    is_email_confirmed: false,
    who_can_share_contact_card: 'EVERYONE',
  };
}
