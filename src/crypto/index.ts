/**
 * Public surface of the crypto module for the core tier. The intake tier
 * imports `seal.ts` (and `form-token.ts`) directly and nothing else.
 */
export * from './envelope.js';
export * from './keyring.js';
export * from './blind-index.js';
export * from './random.js';
export { hashPassword, verifyPassword } from './passphrase.js';
export { openEnquiry } from './open.js';
