/**
 * What the core publishes to the intake tier: clinic names and intake public
 * keys. Nothing secret. Browser-safe type shared by core (writer), intake
 * (reader) and the form script.
 */
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

// Strict objects: a publication carrying anything else (a private key by mistake) is refused.
export const publicationSchema = z.strictObject({
  version: z.literal(1),
  organisation: z.string().min(1).max(200),
  clinics: z.array(z.strictObject({ slug, name: z.string().min(1).max(200) })).min(1),
  activeKid: z.string().min(1).max(64),
  keys: z.array(z.strictObject({ kid: z.string().min(1).max(64), publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/) })).min(1),
});

/** The intake publication. */
export type Publication = z.infer<typeof publicationSchema>;

/** Parse and check a publication (throws on any mismatch). */
export function parsePublication(value: unknown): Publication {
  const publication = publicationSchema.parse(value);
  if (!publication.keys.some((key) => key.kid === publication.activeKid)) throw new Error('publication: active key id is not among the keys');
  return publication;
}
