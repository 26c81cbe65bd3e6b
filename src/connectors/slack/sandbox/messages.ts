import { hash32, issueTitle, Prng, pullRequestTitle } from '../../kit/sandbox/index.js';
import { formatMicros } from './layout.js';
import type { SlackObject, SlackWorld } from './world.js';

/** What makes one message: who, where, when, and how many times it was edited. */
export interface MessageFacts {
  k: number;
  micros: number;
  /** Edits so far (0: as posted). */
  version: number;
  editedMicros: number | null;
  /** Posted through `POST /_sandbox/changes`: always an ordinary user message. */
  created: boolean;
}

export type MessageKind = 'user' | 'channel_join' | 'bot_message';

export function kindOf(seed: number, facts: Pick<MessageFacts, 'k' | 'created'>): MessageKind {
  if (facts.created) return 'user';
  const roll = hash32(seed, facts.k, 3) % 100;
  return roll < 6 ? 'channel_join' : roll < 12 ? 'bot_message' : 'user';
}

export function authorOf(world: SlackWorld, k: number): string {
  return world.authors[hash32(world.seed, k, 4) % world.authors.length]!;
}

const openers = ['Heads up:', 'Quick question:', 'FYI', 'Update:', 'Does anyone know why', 'Looking into it:', 'Good news:', 'Reminder:'];
const closers = ['', ' Thoughts?', ' :eyes:', ' Will follow up in the thread.', ' cc the on-call.', ' :tada:', ' Any objections?'];
const botTexts = ['Deploy finished: production is on the latest build.', 'Nightly backup completed.', 'New incident opened: elevated error rate.', 'Build failed on main.', 'Weekly report is ready.'];
const reactionNames = ['+1', 'eyes', 'white_check_mark', 'tada', 'pray', 'raised_hands', 'heart', 'joy'];

export function chatText(rng: Prng, world: SlackWorld): string {
  const mention = rng.chance(0.15) ? ` <@${rng.pick(world.authors)}>` : '';
  const body = rng.chance(0.5) ? issueTitle(rng).toLowerCase() : `PR ready for review: ${pullRequestTitle(rng).toLowerCase()}`;
  return `${rng.pick(openers)} ${body}.${rng.pick(closers)}${mention}`;
}

/** A `client_msg_id`-shaped UUID (v4 layout) from the numbers that identify a message. */
export function uuid(...parts: number[]): string {
  const hex = [5, 6, 7, 8].map((salt) => hash32(...parts, salt).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The message as `conversations.history` shows it. */
export function renderMessage(world: SlackWorld, facts: MessageFacts): SlackObject {
  const { seed } = world;
  const ts = formatMicros(facts.micros);
  const user = authorOf(world, facts.k);
  switch (kindOf(seed, facts)) {
    case 'channel_join':
      return { type: 'message', subtype: 'channel_join', ts, user, text: `<@${user}> has joined the channel` };
    case 'bot_message':
      return {
        type: 'message',
        subtype: 'bot_message',
        ts,
        bot_id: world.botId,
        username: 'deploy-bot',
        text: botTexts[hash32(seed, facts.k, 9) % botTexts.length],
      };
    case 'user':
      break;
  }
  const rng = new Prng(hash32(seed, facts.k, 10, facts.version));
  const text = chatText(rng, world);
  const message: SlackObject = {
    type: 'message',
    user,
    text,
    ts,
    client_msg_id: uuid(seed, facts.k),
    team: world.teamId,
    blocks: [
      {
        type: 'rich_text',
        block_id: hash32(seed, facts.k, 11, facts.version).toString(36),
        elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }],
      },
    ],
  };
  if (facts.editedMicros !== null) message['edited'] = { user, ts: formatMicros(facts.editedMicros) };
  const reactions = hash32(seed, facts.k, 12) % 5 === 0 ? 1 + (hash32(seed, facts.k, 13) % 2) : 0;
  if (reactions > 0) {
    const pick = new Prng(hash32(seed, facts.k, 14));
    message['reactions'] = pick.sample(reactionNames, reactions).map((name) => {
      const users = pick.sample(world.authors, 1 + pick.int(Math.min(3, world.authors.length)));
      return { name, users, count: users.length };
    });
  }
  return message;
}
