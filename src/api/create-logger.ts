import pino, { type Logger } from 'pino';
import { redactUrl } from './redact-url.js';

/**
 * The process logger. Request lines carry method, redacted URL and status only — never headers or bodies,
 * where API keys and credentials travel.
 */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url ?? '') }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      redact: { paths: ['*.authorization', '*.token', '*.password', '*.secret', '*.fields', '*.credentials'], censor: '[redacted]' },
    },
    options.destination,
  );
}
