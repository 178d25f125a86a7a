/**
 * Looks for plaintext values in raw bytes, in the encodings an attacker
 * would try: UTF-8, UTF-16LE/BE, hex (both cases), and base64/base64url at
 * all three byte alignments. Uses an 8-byte prefix index so thousands of
 * needles scan a large file in one pass.
 */

const PREFIX = 8;

function base64Variants(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const encoded = padded.toString('base64').replace(/=+$/, '');
    // Drop characters that depend on the unknown neighbouring bytes.
    const start = shift === 0 ? 0 : Math.ceil((shift * 8) / 6);
    const usableBits = (shift + bytes.length) * 8;
    const end = Math.floor(usableBits / 6);
    const core = encoded.slice(start, end);
    if (core.length >= PREFIX) {
      out.push(core);
      out.push(core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return out;
}

/** Every byte pattern that would reveal binary `bytes` (image fragments, digests): raw, hex and base64. */
function binaryEncodingsOf(bytes: Buffer): Buffer[] {
  const hex = bytes.toString('hex');
  return [bytes, Buffer.from(hex), Buffer.from(hex.toUpperCase()), ...base64Variants(bytes).map((v) => Buffer.from(v))].filter((b) => b.length >= PREFIX);
}

/** Every byte pattern that would reveal `value`. */
export function encodingsOf(value: string | Buffer): Buffer[] {
  if (Buffer.isBuffer(value)) return binaryEncodingsOf(value);
  const variants = new Set<string>();
  const forms = new Set([value, value.toLowerCase(), value.toUpperCase()]);
  const out: Buffer[] = [];
  for (const form of forms) {
    const utf8 = Buffer.from(form, 'utf8');
    const candidates = [utf8, Buffer.from(form, 'utf16le'), Buffer.from(form, 'utf16le').swap16(), Buffer.from(utf8.toString('hex')), Buffer.from(utf8.toString('hex').toUpperCase()), ...base64Variants(utf8).map((v) => Buffer.from(v))];
    for (const candidate of candidates) {
      const key = candidate.toString('latin1');
      if (candidate.length >= PREFIX && !variants.has(key)) {
        variants.add(key);
        out.push(candidate);
      }
    }
  }
  return out;
}

/** A found leak: which needle (by label) in which source. */
export interface Leak {
  readonly label: string;
  readonly source: string;
}

/** Prepared needles for repeated scans. */
export interface NeedleSet {
  readonly scan: (haystack: Buffer, source: string) => Leak[];
  readonly size: number;
}

/** Build a needle set from labelled plaintext values or byte strings (shorter than 8 bytes is rejected: too ambiguous to scan). */
export function needles(values: readonly { label: string; value: string | Buffer }[]): NeedleSet {
  const index = new Map<bigint, { label: string; bytes: Buffer }[]>();
  let size = 0;
  for (const { label, value } of values) {
    if ((Buffer.isBuffer(value) ? value.length : Buffer.byteLength(value)) < PREFIX) throw new Error(`needle too short to scan reliably: ${label}`);
    for (const bytes of encodingsOf(value)) {
      const key = bytes.readBigUInt64LE(0);
      const list = index.get(key) ?? [];
      list.push({ label, bytes });
      index.set(key, list);
      size += 1;
    }
  }
  return {
    size,
    scan(haystack, source) {
      const leaks: Leak[] = [];
      for (let i = 0; i + PREFIX <= haystack.length; i++) {
        const list = index.get(haystack.readBigUInt64LE(i));
        if (!list) continue;
        for (const needle of list) {
          if (haystack.subarray(i, i + needle.bytes.length).equals(needle.bytes)) leaks.push({ label: needle.label, source });
        }
      }
      return leaks;
    },
  };
}
