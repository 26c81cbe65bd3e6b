import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

/**
 * Where the process log goes: readable lines on a terminal, JSON lines otherwise (what log collectors parse).
 * `LOG_FORMAT` overrides the guess. Pretty printing runs in-process (no worker thread): a terminal is a person
 * watching, not a log volume worth a transport.
 */
export function logDestination(format: LogFormat | undefined, stdout: NodeJS.WriteStream = process.stdout): DestinationStream | undefined {
  const chosen = format ?? (stdout.isTTY ? 'pretty' : 'json');
  if (chosen === 'json') return undefined;
  return pretty({ destination: stdout, colorize: Boolean(stdout.isTTY), translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true, sync: true });
}
