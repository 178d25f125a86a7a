/**
 * The name index's memory: a compact inverted index of patients' name words
 * and dates of birth, held as typed arrays so 480,000 patients fit in well
 * under 250 bytes each, strings and maps included (the unit test measures the
 * heap after a full GC; bench/seed-scale.ts measures it in the running core).
 *
 *  - Each patient version is an ordinal. Per ordinal: its id (16 bytes, found
 *    again through an open-addressing table of ordinals), its clinic (a
 *    small ordinal; 0 once superseded or removed), its date of birth as
 *    YYYYMMDD (0 when unknown) and its name words (token ids, flat).
 *  - Each distinct word has a posting list of ordinals (a word only one
 *    patient has keeps that one ordinal, no list); the distinct words
 *    are kept sorted, so a prefix is a binary-searched range of words.
 *  - A date of birth has a posting list too (a date alone is a search).
 *  - Changing a patient appends a new ordinal and marks the old one dead;
 *    postings skip dead ordinals. A rebuild (at unseal) starts compact.
 *
 * A search reads the postings of its rarest word (or date), so it costs the
 * matches it looks at, not the number of patients. This file holds no keys
 * and reads nothing: patient-index.ts feeds it what the door opened.
 */

/** Case- and accent-folded words of a name. */
export function nameTokens(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** A date of birth (YYYY-MM-DD) as the integer YYYYMMDD; 0 when absent or not a date. */
function dobCode(dob: string | undefined): number {
  return dob && /^\d{4}-\d{2}-\d{2}$/.test(dob) ? Number(dob.slice(0, 4) + dob.slice(5, 7) + dob.slice(8, 10)) : 0;
}

/** A growable Int32Array (doubling). */
class IntList {
  private data: Int32Array;
  length = 0;
  constructor(capacity = 2) {
    this.data = new Int32Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  get(i: number): number {
    return this.data[i] as number;
  }
  set(i: number, value: number): void {
    this.data[i] = value;
  }
  /** Bytes held (capacity, not length). */
  get bytes(): number {
    return this.data.byteLength;
  }
}

/** A word's postings: one ordinal, or a list of them. */
type Posting = number | IntList;

function postingLength(posting: Posting): number {
  return typeof posting === 'number' ? 1 : posting.length;
}

/** A patient the index nominates for a query. */
export interface IndexMatch {
  readonly patientId: string;
  /**
   * The query named this patient exactly: every word of the name, whole, and
   * the date of birth. An ordinary search (a prefix, a surname, a date alone)
   * is not exact.
   */
  readonly isExact: boolean;
}

/** What a search asks: name words (prefixes) and/or a date of birth. */
export interface NameQuery {
  readonly name?: string;
  readonly dob?: string;
}

/**
 * Patient ids, 16 bytes each (they are UUIDs: newId), with an open-addressing
 * table from id to its newest ordinal in an Int32Array: about 24 bytes a
 * patient where an array of strings and a Map took over 100. An id of another
 * shape is kept as text beside (none are made today).
 */
class PackedIds {
  private bytes = new Uint8Array(16 * 1024);
  private slots = new Int32Array(2048).fill(-1);
  private readonly other = new Map<number, string>();
  private readonly otherOrdinal = new Map<string, number>();
  count = 0;

  /** Record `id` as ordinal `count` (the newest for that id). */
  add(id: string): number {
    const ordinal = this.count++;
    if (this.bytes.length < this.count * 16) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    if (UUID.test(id)) {
      const hex = id.replaceAll('-', '');
      for (let i = 0; i < 16; i++) this.bytes[ordinal * 16 + i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
      if (this.count * 2 > this.slots.length) this.grow();
      this.slots[this.slotOf(ordinal * 16, this.slots)] = ordinal;
    } else {
      this.other.set(ordinal, id);
      this.otherOrdinal.set(id, ordinal);
    }
    return ordinal;
  }

  /** The newest ordinal of `id`, if it was ever added. */
  find(id: string): number | undefined {
    if (!UUID.test(id)) return this.otherOrdinal.get(id);
    const probe = this.slotOfText(id.replaceAll('-', ''));
    return probe === -1 ? undefined : probe;
  }

  get(ordinal: number): string {
    const text = this.other.get(ordinal);
    if (text !== undefined) return text;
    let hex = '';
    for (let i = 0; i < 16; i++) hex += (this.bytes[ordinal * 16 + i] as number).toString(16).padStart(2, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  get byteLength(): number {
    return this.bytes.byteLength + this.slots.byteLength;
  }

  private hashAt(offset: number): number {
    // FNV-1a over the 16 bytes.
    let hash = 0x811c9dc5;
    for (let i = 0; i < 16; i++) hash = Math.imul(hash ^ (this.bytes[offset + i] as number), 0x01000193);
    return hash >>> 0;
  }

  private sameAt(a: number, b: number): boolean {
    for (let i = 0; i < 16; i++) if (this.bytes[a + i] !== this.bytes[b + i]) return false;
    return true;
  }

  /** The slot holding the id at byte `offset` (or the empty slot where it goes). */
  private slotOf(offset: number, slots: Int32Array): number {
    const mask = slots.length - 1;
    for (let slot = this.hashAt(offset) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot] as number;
      if (held === -1 || this.sameAt(held * 16, offset)) return slot;
    }
  }

  /** The ordinal stored for a 32-hex-digit id, or -1. Uses the spare 16 bytes past the last ordinal as scratch. */
  private slotOfText(hex: string): number {
    if (this.bytes.length < (this.count + 1) * 16) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    const scratch = this.count * 16;
    for (let i = 0; i < 16; i++) this.bytes[scratch + i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    const slot = this.slotOf(scratch, this.slots);
    return this.slots[slot] as number;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    for (const ordinal of this.slots) if (ordinal !== -1) slots[this.slotOf(ordinal * 16, slots)] = ordinal;
    this.slots = slots;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class NameIndex {
  private readonly ids = new PackedIds();
  /** Patients indexed now (ordinals whose clinic is not 0). */
  private live = 0;
  private readonly clinicOf = new IntList(1024);
  private readonly dobOf = new IntList(1024);
  private readonly wordsStart = new IntList(1024);
  private readonly words = new IntList(2048);
  private readonly clinicOrdinal = new Map<string, number>();
  private readonly wordId = new Map<string, number>();
  private readonly wordText: string[] = [];
  /** Per word id: its one ordinal (most surnames belong to few people; a number costs no object), or a list. */
  private readonly postings: Posting[] = [];
  private readonly byDob = new Map<number, IntList>();
  /** Word ids in the words' string order; rebuilt lazily after new words arrive. */
  private sorted: Int32Array = new Int32Array(0);
  private sortedCount = -1;

  /** Patients currently indexed. */
  get size(): number {
    return this.live;
  }

  /** Index (or re-index) a patient under its clinic, name and date of birth. */
  put(patientId: string, clinicId: string, contact: { readonly name: string; readonly dob?: string | undefined }): void {
    this.remove(patientId);
    const ordinal = this.ids.add(patientId);
    this.live++;
    let clinic = this.clinicOrdinal.get(clinicId);
    if (clinic === undefined) {
      clinic = this.clinicOrdinal.size + 1;
      this.clinicOrdinal.set(clinicId, clinic);
    }
    this.clinicOf.push(clinic);
    const dob = dobCode(contact.dob);
    this.dobOf.push(dob);
    if (dob !== 0) {
      let list = this.byDob.get(dob);
      if (!list) this.byDob.set(dob, (list = new IntList()));
      list.push(ordinal);
    }
    this.wordsStart.push(this.words.length);
    for (const word of new Set(nameTokens(contact.name))) {
      let id = this.wordId.get(word);
      if (id === undefined) {
        id = this.wordText.length;
        this.wordId.set(word, id);
        this.wordText.push(word);
        this.postings.push(ordinal);
      } else {
        const posting = this.postings[id] as Posting;
        if (typeof posting === 'number') {
          const list = new IntList();
          list.push(posting);
          list.push(ordinal);
          this.postings[id] = list;
        } else posting.push(ordinal);
      }
      this.words.push(id);
    }
  }

  /** Forget a patient (its ordinal stays, dead, until the next rebuild). */
  remove(patientId: string): void {
    const ordinal = this.ids.find(patientId);
    if (ordinal === undefined || this.clinicOf.get(ordinal) === 0) return;
    this.clinicOf.set(ordinal, 0);
    this.live--;
  }

  /** Patients of `clinicIds` whose name words start with every query word (and whose date of birth matches, if given), at most `limit`. */
  search(query: NameQuery, clinicIds: readonly string[], limit: number): IndexMatch[] {
    const queryWords = query.name ? [...new Set(nameTokens(query.name))] : [];
    const dob = dobCode(query.dob);
    if (queryWords.length === 0 && !query.dob) return [];
    if (query.dob && dob === 0) return [];
    const clinics = new Set(clinicIds.flatMap((id) => this.clinicOrdinal.get(id) ?? []));
    if (clinics.size === 0) return [];
    const ranges = queryWords.map((word) => this.prefixRange(word));
    // Drive the search from the smallest posting set: the date, or the rarest word prefix.
    const sizes = ranges.map(([from, to]) => {
      let total = 0;
      for (let i = from; i < to; i++) total += postingLength(this.postings[this.sorted[i] as number] as Posting);
      return total;
    });
    const dobList = dob !== 0 ? this.byDob.get(dob) : undefined;
    if (dob !== 0 && !dobList) return [];
    let driver: Posting[];
    if (dobList && (sizes.length === 0 || dobList.length <= Math.min(...sizes))) driver = [dobList];
    else {
      const rarest = sizes.indexOf(Math.min(...sizes));
      const [from, to] = ranges[rarest] as [number, number];
      driver = [];
      for (let i = from; i < to; i++) driver.push(this.postings[this.sorted[i] as number] as Posting);
    }
    const found: IndexMatch[] = [];
    const seen = new Set<number>();
    for (const list of driver) {
      const length = postingLength(list);
      for (let p = 0; p < length; p++) {
        const ordinal = typeof list === 'number' ? list : list.get(p);
        if (!clinics.has(this.clinicOf.get(ordinal))) continue;
        if (dob !== 0 && this.dobOf.get(ordinal) !== dob) continue;
        if (driver.length > 1) {
          if (seen.has(ordinal)) continue;
          seen.add(ordinal);
        }
        const words = this.wordsOf(ordinal);
        if (!queryWords.every((word) => words.some((w) => w.startsWith(word)))) continue;
        const isExact = dob !== 0 && queryWords.length === words.length && words.every((w) => queryWords.includes(w));
        found.push({ patientId: this.ids.get(ordinal), isExact });
        if (found.length >= limit) return found;
      }
    }
    return found;
  }

  /** Bytes held by the arrays (not counting V8's per-string and Map overhead; the bench measures the heap). */
  arrayBytes(): number {
    let bytes = this.ids.byteLength + this.clinicOf.bytes + this.dobOf.bytes + this.wordsStart.bytes + this.words.bytes + this.sorted.byteLength;
    for (const list of this.postings) bytes += typeof list === 'number' ? 0 : list.bytes;
    for (const list of this.byDob.values()) bytes += list.bytes;
    return bytes;
  }

  private wordsOf(ordinal: number): string[] {
    const from = this.wordsStart.get(ordinal);
    const to = ordinal + 1 < this.ids.count ? this.wordsStart.get(ordinal + 1) : this.words.length;
    const words: string[] = [];
    for (let i = from; i < to; i++) words.push(this.wordText[this.words.get(i)] as string);
    return words;
  }

  /** The range of `sorted` whose words start with `prefix`. */
  private prefixRange(prefix: string): [number, number] {
    if (this.sortedCount !== this.wordText.length) {
      this.sorted = Int32Array.from(this.wordText.keys()).sort((a, b) => ((this.wordText[a] as string) < (this.wordText[b] as string) ? -1 : 1));
      this.sortedCount = this.wordText.length;
    }
    const first = this.lowerBound(prefix);
    // Every word with the prefix sorts before prefix + U+FFFF.
    return [first, this.lowerBound(`${prefix}\uffff`)];
  }

  private lowerBound(text: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.wordText[this.sorted[mid] as number] as string) < text) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
