/**
 * Canary people (honeytokens). They are ordinary persons and enquiries —
 * sealed, ingested and stored exactly like real ones — so nothing in the UI,
 * the API or the database row tells them apart. What marks them is an HMAC
 * of the person id under a vault-derived key, in a table of its own: without
 * the unsealed vault, an intruder holding the database cannot tell which
 * records are canaries either.
 */
import { hmacHex } from '../../crypto/digest.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { Db } from '../../db/database.js';
import { hasCanaryMarker, insertCanaryMarkers } from './canary.repository.js';

export function canaryMarker(keyring: Keyring, personId: string): string {
  return hmacHex(keyring.markerKey, `canary|${personId}`);
}

export async function isCanary(db: Db, keyring: Keyring, personId: string): Promise<boolean> {
  return hasCanaryMarker(db, canaryMarker(keyring, personId));
}

export async function markCanaries(db: Db, keyring: Keyring, personIds: readonly string[], at: string): Promise<void> {
  if (personIds.length === 0) return;
  await insertCanaryMarkers(db, personIds.map((id) => canaryMarker(keyring, id)), at);
}

const FIRST = ['Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Sophia', 'Grace', 'Lily', 'Freya', 'Emily', 'Charlotte', 'Hannah', 'Chloe', 'Jessica', 'Lucy', 'Daniel', 'James', 'Thomas', 'Oliver', 'Jack'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright', 'Robinson', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Clarke'];
const STREETS = ['Church Road', 'Station Road', 'Victoria Street', 'Park Avenue', 'The Crescent', 'Mill Lane', 'Queens Road', 'Manor Way', 'Kings Drive', 'Orchard Close'];
const TOWNS = [
  ['London', 'SW6'],
  ['Manchester', 'M20'],
  ['Leeds', 'LS6'],
  ['Bristol', 'BS8'],
  ['Birmingham', 'B15'],
  ['Brighton', 'BN1'],
] as const;
const PROCEDURES = ['Rhinoplasty', 'Breast augmentation', 'Blepharoplasty (eyelid surgery)', 'Abdominoplasty', 'Liposuction', 'Facelift', 'Otoplasty', 'Breast reduction'];
const MESSAGES = ['Could you tell me about recovery times and costs?', 'I would like a consultation in the next few weeks if possible.', 'Please call me after 5pm on weekdays.', 'Do you offer payment plans? I am also interested in a consultation.'];

/** Realistic-looking enquiry fields for a canary (UK drama-range phone numbers, a domain the clinic controls). */
export function canaryFields(random: () => number, emailDomain: string): { name: string; email: string; phone: string; dob: string; address: string; procedure: string; message: string } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const first = pick(FIRST);
  const last = pick(LAST);
  const [town, district] = pick(TOWNS);
  const year = 1965 + Math.floor(random() * 38);
  const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
  return {
    name: `${first} ${last}`,
    email: `${first}.${last}${Math.floor(random() * 90 + 10)}@${emailDomain}`.toLowerCase(),
    // Ofcom reserves 07700 900000–900999 for drama: realistic, never a real subscriber.
    phone: `07700 900${String(Math.floor(random() * 1000)).padStart(3, '0')}`,
    dob: `${year}-${month}-${day}`,
    address: `${Math.floor(random() * 180) + 1} ${pick(STREETS)}, ${town} ${district} ${Math.floor(random() * 9) + 1}${'ABDEFGHJLNPQRSTUWXYZ'[Math.floor(random() * 20)]}${'ABDEFGHJLNPQRSTUWXYZ'[Math.floor(random() * 20)]}`,
    procedure: pick(PROCEDURES),
    message: pick(MESSAGES),
  };
}
