/** Response shape of the vault's public status (no secret, no count of anything personal). */
import { z } from 'zod';

export const VaultStatus = z.union([
  z.object({ state: z.literal('uninitialised') }),
  z.object({ state: z.literal('sealed'), sharesReceived: z.number(), threshold: z.number().nullable(), isDemo: z.boolean() }),
  z.object({ state: z.literal('unsealed'), isDemo: z.boolean() }),
]);
export type VaultStatus = z.infer<typeof VaultStatus>;
