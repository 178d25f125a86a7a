/**
 * The vocabulary of a breach scope: data categories (labels and mask bits),
 * why a person is in scope (reason codes), indicators and components, and
 * the shapes of a computed scope. Pure: no queries.
 */

export const CATEGORY_LABELS: Record<string, string> = {
  contact: 'Identity and contact details (name, email, phone, date of birth, address)',
  enquiry: 'Enquiry content: procedure of interest and messages (health-related)',
  clinical: 'Health data: clinical notes, procedures and signed consents',
  photo: 'Clinical photographs (health data; may be intimate images)',
  financial: 'Financial data: invoices and payments',
};

/** Why a person is in scope, stored as short codes (a row per person, hundreds of thousands of rows). */
export const REASONS: Record<string, string> = {
  'copy-sealed': 'database copied: every record is ciphertext under per-person keys whose wrapping keys (and the vault key) were not exposed',
  'copy-key': "database copied together with a key that opens some of this person's data",
  'intake-sealed': 'intake tier copied: it holds sealed enquiries only (HPKE to a key whose private half never leaves the core)',
  'intake-key': 'intake tier copied with the intake private key',
  'blob-sealed': 'photo store copied: every photo is ciphertext under a per-file key derived from a per-person key that was not exposed',
  'read-staff': 'read in clear through the application with the compromised staff account',
  'read-session': 'read in clear in the compromised session',
  'read-ip-range': 'read in clear from the suspect address range',
  'read-window': 'read in clear during the incident window',
};

/** The stored reason codes as text. */
export function reasonText(codes: string): string {
  return codes
    .split(';')
    .map((code) => REASONS[code] ?? code)
    .join('; ');
}

/**
 * Events written before the door recorded domains carry none: for those
 * (and only those) the categories come from the action's name, as they did
 * then. Every newer door event names its domains, `[]` when it opened none.
 */
const LEGACY_READ_CATEGORIES: Record<string, readonly string[]> = {
  'enquiry.read': ['contact', 'enquiry'],
  'patient.read': ['contact'],
  'patient.search-result': ['contact'],
  'patient.clinical.read': ['clinical'],
  'patient.financial.read': ['financial'],
  'photo.list': ['photo'],
  'photo.thumb': ['photo'],
  'photo.view': ['photo'],
  'photo.download': ['photo'],
  'photo.export': ['photo'],
};

/** The actions of events older than the door's `domains` that opened personal data. */
export const LEGACY_READ_ACTIONS = Object.keys(LEGACY_READ_CATEGORIES);

/** The categories an audited event exposed in clear: the domains it opened, or for an older event its action's. */
export function categoriesRead(row: { action: string; domains: string | null }): readonly string[] {
  if (row.domains === null) return LEGACY_READ_CATEGORIES[row.action] ?? [];
  return (JSON.parse(row.domains) as string[]).filter((d) => d in CATEGORY_LABELS);
}

export const COMPONENTS = ['intake-tier', 'database-copy', 'backup', 'blob-store', 'key'] as const;
export type Component = (typeof COMPONENTS)[number];

export type Indicator =
  | { readonly kind: 'staff'; readonly value: string; readonly from?: string; readonly to?: string }
  | { readonly kind: 'session'; readonly value: string; readonly from?: string; readonly to?: string }
  | { readonly kind: 'ip-range'; readonly value: string; readonly from?: string; readonly to?: string }
  | { readonly kind: 'window'; readonly value: string; readonly from: string; readonly to: string }
  | { readonly kind: 'component'; readonly value: string };

/** IPv4 CIDR or a single address; IPv6 by prefix match on the text form (/48, /64 style). */
export function ipMatcher(cidr: string): (ip: string | null) => boolean {
  const [base, bitsText] = cidr.split('/');
  if (!base) throw new Error('bad address range');
  if (base.includes(':')) {
    const groups = Math.floor(Number(bitsText ?? 128) / 16);
    const prefix = base.split(':').slice(0, groups).join(':');
    return (ip) => ip !== null && ip.includes(':') && ip.startsWith(prefix);
  }
  const toInt = (text: string) => text.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
  const bits = Number(bitsText ?? 32);
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(base) || !(bits >= 0 && bits <= 32)) throw new Error('bad address range');
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const net = toInt(base) & mask;
  return (ip) => {
    const v4 = ip?.replace(/^::ffff:/, '');
    return v4 !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(v4) && (toInt(v4) & mask) >>> 0 === net >>> 0;
  };
}

/** The categories in mask-bit order. */
export const CATEGORY_ORDER = Object.keys(CATEGORY_LABELS);

/** One bit per category in incident_persons.category_mask (integers sum and filter fast at 500,000 rows). */
export const CATEGORY_BITS: Record<string, number> = Object.fromEntries(CATEGORY_ORDER.map((c, i) => [c, 1 << i]));

export function categoriesOf(mask: number): string[] {
  return CATEGORY_ORDER.filter((c) => (mask & (CATEGORY_BITS[c] as number)) !== 0);
}

export function maskOf(categories: Iterable<string>): number {
  let mask = 0;
  for (const c of categories) mask |= CATEGORY_BITS[c] ?? 0;
  return mask;
}

// Stored as the incident's scope JSON, hence `type` rather than `interface` (see report.ts).

/** What a copy of stored data exposed: the components taken and the keys taken with them. */
export type CopySpec = {
  readonly stored: boolean;
  readonly intake: boolean;
  readonly blob: boolean;
  readonly exposedKeys: readonly string[];
};

/** Summary of a computed scope. People reached through the application are rows in incident_persons; people in a copy are defined by `copy`. */
export type ScopeSummary = {
  readonly persons: number;
  readonly records: number;
  readonly categories: Record<string, number>;
  readonly unintelligible: number;
  readonly intelligible: number;
  readonly exposedKeys: string[];
  readonly copy: CopySpec | null;
  readonly computedMs: number;
};

/** One person in scope. */
export interface ScopeRow {
  readonly personId: string;
  readonly mask: number;
  readonly records: number;
  readonly unintelligible: boolean;
  readonly reason: string;
}
