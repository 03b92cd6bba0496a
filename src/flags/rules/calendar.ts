import type { FlagSettings } from "../flag-settings.ts";

const DAY = 86_400_000;
const OFFSET_BUCKET = 15 * 60_000;
const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Working time in the team's time zone. A working day is a whole local calendar day (Monday to Friday unless
 * the settings say otherwise, minus the holidays); time elapsed on working days is counted as a fraction of
 * the day it falls in, so 23- and 25-hour days at the DST changes still count as one day each.
 */
export interface WorkingCalendar {
  timeZone: string;
  /** Working days (fractional) between two instants; 0 when `to` is not after `from`. */
  workingDaysBetween(from: Date, to: Date): number;
  /**
   * The earliest instant from which fewer than `days` working days have passed by `to`: an item at or after
   * it is within `days` working days of `to`. Cached per (`to`, `days`).
   */
  windowStart(to: Date, days: number): Date;
  /** The local calendar date of an instant, `YYYY-MM-DD`. */
  localDate(at: Date): string;
  /** The instant a local calendar date (`YYYY-MM-DD`) starts. */
  startOfDate(date: string): Date;
  /** Whether the local day of an instant is a working day. */
  isWorkingDay(at: Date): boolean;
  /** `today`, `yesterday`, `on Tue` (within the week), `on Tue 4 Mar`, or `on 4 Mar 2024` (another year). */
  describeDay(at: Date, now: Date): string;
}

type CalendarSettings = Pick<FlagSettings, "timeZone" | "workingDays" | "holidays">;

const cache = new WeakMap<object, WorkingCalendar>();

/** The calendar of the settings; cached, so calling it per task costs nothing. */
export function toWorkingCalendar(settings: CalendarSettings): WorkingCalendar {
  let calendar = cache.get(settings);
  if (!calendar) {
    calendar = createCalendar(settings);
    cache.set(settings, calendar);
  }
  return calendar;
}

function createCalendar(settings: CalendarSettings): WorkingCalendar {
  const { timeZone } = settings;
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  const offsets = new Map<number, number>();
  /** Local time minus UTC at an instant, in ms. Zone offsets change only on quarter hours. */
  const offsetAt = (ms: number): number => {
    const bucket = Math.floor(ms / OFFSET_BUCKET);
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      if (offsets.size > 200_000) offsets.clear();
      const p: Record<string, number> = {};
      for (const part of format.formatToParts(new Date(bucket * OFFSET_BUCKET))) {
        if (part.type !== "literal") p[part.type] = Number(part.value);
      }
      const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
      offset = local - bucket * OFFSET_BUCKET;
      offsets.set(bucket, offset);
    }
    return offset;
  };
  /** Days since 1970-01-01 of the local calendar date of an instant. */
  const localDay = (ms: number) => Math.floor((ms + offsetAt(ms)) / DAY);
  const starts = new Map<number, number>();
  /** The instant the local day starts. */
  const dayStart = (day: number): number => {
    let start = starts.get(day);
    if (start === undefined) {
      if (starts.size > 200_000) starts.clear();
      const guess = day * DAY - offsetAt(day * DAY);
      start = day * DAY - offsetAt(guess);
      starts.set(day, start);
    }
    return start;
  };
  const dayLength = (day: number) => dayStart(day + 1) - dayStart(day);

  const working = new Set(settings.workingDays.map((d) => d % 7));
  // 1970-01-01 was a Thursday (weekday 4).
  const weekday = (day: number) => (((day + 4) % 7) + 7) % 7;
  const holidays = new Set(settings.holidays.map((h) => Date.parse(`${h}T00:00:00Z`) / DAY));
  /** Holidays that fall on working weekdays, sorted: only those take a working day away. */
  const workdayHolidays = [...holidays].filter((d) => working.has(weekday(d))).sort((a, b) => a - b);
  const isWorking = (day: number) => working.has(weekday(day)) && !holidays.has(day);
  /** Index of the first holiday on or after `day`. */
  const holidayIndex = (day: number) => {
    let lo = 0;
    let hi = workdayHolidays.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (workdayHolidays[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** Working days among the local days [a, b): whole weeks by arithmetic, the rest day by day. */
  const countWorking = (a: number, b: number): number => {
    if (b <= a) return 0;
    const weeks = Math.floor((b - a) / 7);
    let count = weeks * working.size;
    for (let d = a + weeks * 7; d < b; d++) if (working.has(weekday(d))) count++;
    return count - (holidayIndex(b) - holidayIndex(a));
  };

  const workingDaysBetween = (from: Date, to: Date): number => {
    const a = from.getTime();
    const b = to.getTime();
    if (!(b > a)) return 0;
    const d0 = localDay(a);
    const d1 = localDay(b);
    if (d0 === d1) return isWorking(d0) ? (b - a) / dayLength(d0) : 0;
    let total = isWorking(d0) ? (dayStart(d0 + 1) - a) / dayLength(d0) : 0;
    total += countWorking(d0 + 1, d1);
    if (isWorking(d1)) total += (b - dayStart(d1)) / dayLength(d1);
    return total;
  };

  const windows = new Map<string, Date>();
  const windowStart = (to: Date, days: number): Date => {
    const cacheKey = `${to.getTime()}/${days}`;
    const hit = windows.get(cacheKey);
    if (hit) return hit;
    let remaining = days;
    let end = to.getTime();
    let d = localDay(end);
    let start = Number.NEGATIVE_INFINITY;
    // Walk back day by day (bounded: a year of days off in a row ends the walk).
    for (let guard = 0; guard < days * 7 + 400; guard++, d--) {
      const from = dayStart(d);
      if (isWorking(d)) {
        const length = dayLength(d);
        const available = (end - from) / length;
        if (remaining <= available) {
          start = end - remaining * length;
          break;
        }
        remaining -= available;
      }
      end = from;
    }
    if (windows.size > 1000) windows.clear();
    const result = new Date(start);
    windows.set(cacheKey, result);
    return result;
  };

  const partsOf = (ms: number) => {
    const day = localDay(ms);
    const date = new Date(day * DAY);
    return {
      day,
      weekday: date.getUTCDay(),
      date: date.getUTCDate(),
      month: date.getUTCMonth(),
      year: date.getUTCFullYear(),
    };
  };

  return {
    timeZone,
    workingDaysBetween,
    windowStart,
    localDate: (at) => new Date(localDay(at.getTime()) * DAY).toISOString().slice(0, 10),
    startOfDate: (date) => new Date(dayStart(Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY))),
    isWorkingDay: (at) => isWorking(localDay(at.getTime())),
    describeDay: (at, now) => {
      const p = partsOf(at.getTime());
      const n = partsOf(now.getTime());
      const ago = n.day - p.day;
      if (ago === 0) return "today";
      if (ago === 1) return "yesterday";
      if (ago > 1 && ago < 7) return `on ${WEEKDAY_NAMES[p.weekday]}`;
      if (p.year === n.year) return `on ${WEEKDAY_NAMES[p.weekday]} ${p.date} ${MONTH_NAMES[p.month]}`;
      return `on ${p.date} ${MONTH_NAMES[p.month]} ${p.year}`;
    },
  };
}

/** `2 working days`, `1 working day`, `less than a working day`. */
export function describeWorkingDays(days: number): string {
  const whole = Math.floor(days);
  if (whole < 1) return "less than a working day";
  return whole === 1 ? "1 working day" : `${whole} working days`;
}
