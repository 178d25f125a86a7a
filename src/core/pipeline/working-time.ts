/**
 * Working time: business hours (TACET_BUSINESS_HOURS, in TACET_TIMEZONE) on
 * working days (TACET_WORKING_DAYS). The first-response SLA is counted in it:
 * an enquiry that arrives on Saturday night is due an hour into Monday's
 * opening, not at 23:00.
 */
import { minutesInZone } from '../detection/network.js';

/** Business hours (minutes of the day, start < end) and working days (0 = Sunday). */
export interface WorkingHours {
  readonly start: number;
  readonly end: number;
  readonly timeZone: string;
  readonly workingDays: readonly number[];
}

const weekdayFormats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function weekdayInZone(at: Date, timeZone: string): number {
  let format = weekdayFormats.get(timeZone);
  if (!format) weekdayFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short' })));
  return WEEKDAYS.indexOf(format.format(at));
}

/**
 * The moment `ms` of working time after `from`. Hours that cross midnight or
 * are open all day count every minute of a working day; no working day at
 * all counts plain time.
 */
export function addWorkingTime(from: Date, ms: number, hours: WorkingHours): Date {
  if (hours.workingDays.length === 0) return new Date(from.getTime() + ms);
  const allDay = hours.start >= hours.end;
  let at = from.getTime();
  let left = ms;
  // Each step either spends working time or jumps to the next opening; a fortnight of steps is ample.
  for (let step = 0; left > 0 && step < 64; step += 1) {
    const now = new Date(at);
    const minute = minutesInZone(now, hours.timeZone);
    const intoMinute = at % 60_000;
    const isWorkingDay = hours.workingDays.includes(weekdayInZone(now, hours.timeZone));
    const start = allDay ? 0 : hours.start;
    const end = allDay ? 24 * 60 : hours.end;
    if (isWorkingDay && minute >= start && minute < end) {
      const open = (end - minute) * 60_000 - intoMinute;
      const take = Math.min(left, open);
      at += take;
      left -= take;
    } else if (isWorkingDay && minute < start) {
      at += (start - minute) * 60_000 - intoMinute;
    } else {
      // To the next local midnight (a DST day is an hour off; the next step measures again).
      at += (24 * 60 - minute) * 60_000 - intoMinute;
    }
  }
  return new Date(at + left);
}
