import pino, { type Logger } from 'pino';
import { redactCredentialsInText } from '../contracts/redact-credentials.js';
import { redactUrl } from './redact-url.js';

/**
 * The process logger. Request lines carry method, redacted URL and status only — never headers or bodies,
 * where API keys and credentials travel. Messages and error texts pass the structural redaction too (URLs with
 * credentials, `token=…` pairs, `Bearer …`): callers remove the secret values they know, this catches the shapes.
 */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url ?? '') }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: (err: Error) => {
          const plain = pino.stdSerializers.err(err) as { message?: unknown; stack?: unknown };
          const scrub = (text: unknown) => (typeof text === 'string' ? redactCredentialsInText(text) : text);
          return { ...plain, message: scrub(plain.message), ...(plain.stack === undefined ? {} : { stack: scrub(plain.stack) }) };
        },
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactCredentialsInText(arg) : arg)) as Parameters<typeof method>);
        },
      },
      redact: { paths: ['*.authorization', '*.token', '*.password', '*.secret', '*.fields', '*.credentials'], censor: '[redacted]' },
    },
    options.destination,
  );
}
