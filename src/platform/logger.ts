/**
 * Structured logging (pino). SECURITY: request bodies, cookies, auth headers
 * and anything named like a secret are redacted; request lines carry the
 * method, route template and status only, never the URL (whose path and
 * query may hold personal data a client put there): see
 * `http/request-log.ts`, applied to both tiers by `createHttpApp`.
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
