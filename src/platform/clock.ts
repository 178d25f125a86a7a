/** Time source, injected so tests and retention jobs can fix "now". */
export interface Clock {
  readonly now: () => Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved (tests). */
export function fixedClock(start: Date): Clock & { advance: (ms: number) => void } {
  let current = start.getTime();
  return { now: () => new Date(current), advance: (ms) => (current += ms) };
}

/** UTC ISO-8601 timestamp, the only time format stored. */
export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
