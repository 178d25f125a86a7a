/**
 * Keyset pagination for the staff lists, newest first: a page is "the next
 * `limit` rows after this (time, id)", read by walking an index in that
 * order, never by sorting the set or skipping an offset. The cursor names
 * the last row shown (a timestamp and an id: no personal data), so a tie on
 * time is broken by id and no row is skipped or repeated.
 *
 * A reader may see several clinics. Each clinic's page is one indexed range
 * read (`clinic_id = ? AND (time, id) < cursor ORDER BY time DESC, id DESC
 * LIMIT n`); the pages are merged here. n clinics cost n short seeks, not a
 * sort of every row of those clinics.
 */

/** The position after which the next page starts. */
export interface Keyset {
  readonly at: string;
  readonly id: string;
}

/** A cursor as the API carries it: `<time>~<id>`. */
export const CURSOR_PATTERN = '^[0-9T:.Z+-]{10,35}~[0-9a-f-]{36}$';

export function encodeCursor(position: Keyset): string {
  return `${position.at}~${position.id}`;
}

/** The position a cursor names (the route has checked it against CURSOR_PATTERN). */
export function decodeCursor(cursor: string): Keyset {
  const split = cursor.lastIndexOf('~');
  return { at: cursor.slice(0, split), id: cursor.slice(split + 1) };
}

/** Newest first: later time first, then the larger id (the order of the list indexes, descending). */
function newerFirst(a: Keyset, b: Keyset): number {
  if (a.at !== b.at) return a.at > b.at ? -1 : 1;
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1;
}

/**
 * The first `limit` rows of per-clinic pages, each already newest first, and
 * the cursor of the next page (null when nothing is left in any clinic).
 */
export function mergeNewestFirst<T>(pages: readonly (readonly T[])[], limit: number, keyOf: (row: T) => Keyset): { rows: T[]; next: string | null } {
  const all = pages.flat().sort((a, b) => newerFirst(keyOf(a), keyOf(b)));
  const rows = all.slice(0, limit);
  // A clinic page shorter than `limit` is exhausted; any row left over, or a full clinic page, means more may follow.
  const more = all.length > limit || pages.some((page) => page.length >= limit);
  const last = rows.at(-1);
  return { rows, next: more && last ? encodeCursor(keyOf(last)) : null };
}
