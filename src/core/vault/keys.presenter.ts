/** Response shapes for key rotation: key ids, statuses and counts (no key material). */
import { z } from 'zod';
import type { DomainKeyStatus } from './rewrap.service.js';

/** A domain key: its versions and how many person keys still wait for the active one. */
export const DomainKeySummary = z.object({
  domain: z.string(),
  activeKeyId: z.string(),
  versions: z.array(z.object({ id: z.string(), status: z.string() })),
  personKeys: z.number(),
  toRewrap: z.number(),
});
export type DomainKeySummary = z.infer<typeof DomainKeySummary>;

export const DomainKeyList = z.object({ domains: z.array(DomainKeySummary) });
export type DomainKeyList = z.infer<typeof DomainKeyList>;

/** The new key ids of a rotation. */
export const RotationResult = z.object({ rotated: z.array(z.string()) });
export type RotationResult = z.infer<typeof RotationResult>;

/** JSON for the key list. */
export function presentDomainKeys(domains: readonly DomainKeyStatus[]): DomainKeyList {
  return { domains: domains.map((d) => ({ domain: d.domain, activeKeyId: d.activeKeyId, versions: d.versions.map((v) => ({ id: v.id, status: v.status })), personKeys: d.personKeys, toRewrap: d.toRewrap })) };
}
