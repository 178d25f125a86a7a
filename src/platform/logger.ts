/**
 * Structured logging (pino). SECURITY: request bodies, cookies, auth headers
 * and anything named like a secret are redacted; routes never put personal
 * data in URLs, so request lines are safe to log.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'body',
  '*.body',
  '*.password',
  '*.passphrase',
  '*.share',
  '*.shares',
  '*.token',
];

/** Create the process logger writing to `destination` (stdout by default). */
export function createLogger(options: { level?: string; destination?: DestinationStream | string } = {}): Logger {
  const destination = typeof options.destination === 'string' ? pino.destination({ dest: options.destination, sync: true, mkdir: true }) : options.destination;
  return pino({ level: options.level ?? 'info', redact: { paths: REDACT, censor: '[redacted]' }, base: undefined }, destination ?? pino.destination(1));
}
