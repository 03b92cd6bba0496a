import { toWorkingCalendar, type WorkingCalendar } from "../flags/rules/calendar.ts";

/** When the digest goes out: `THREADLINE_DIGEST_TIME` on working days in the team's time zone. */
export interface DigestScheduleSettings {
  timeZone: string;
  /** `HH:MM`. */
  digestTime: string;
  workingDays: number[];
  holidays: string[];
}

const calendarOf = (s: DigestScheduleSettings): WorkingCalendar =>
  toWorkingCalendar({ timeZone: s.timeZone, workingDays: s.workingDays, holidays: s.holidays });

/** `YYYY-MM-DD` plus `n` days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Local time minus UTC at an instant, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return local - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant the wall clock in `timeZone` shows `time` on `day`. On a day the clocks skip that hour, the
 * instant an hour later; on a day they repeat it, the first one.
 */
export function toLocalInstant(day: string, time: string, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const first = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(first, timeZone));
}

const isWorkingDate = (day: string, s: DigestScheduleSettings) =>
  calendarOf(s).isWorkingDay(toLocalInstant(day, "12:00", s.timeZone));

/** Today's date in the team's time zone. */
export const toLocalDay = (now: Date, timeZone: string): string =>
  toWorkingCalendar({ timeZone, workingDays: [1, 2, 3, 4, 5], holidays: [] }).localDate(now);

/** The working day before `day` (for "what changed since yesterday" on a Monday: since Friday). */
export function previousWorkingDay(day: string, s: DigestScheduleSettings): string {
  for (let i = 1; i <= 14; i++) {
    const d = addDays(day, -i);
    if (isWorkingDate(d, s)) return d;
  }
  return addDays(day, -1);
}

/** The next send after `now`: the day it is for and when. */
export function nextDigestRun(now: Date, s: DigestScheduleSettings): { day: string; at: Date } {
  const today = toLocalDay(now, s.timeZone);
  for (let i = 0; i <= 14; i++) {
    const day = addDays(today, i);
    const at = toLocalInstant(day, s.digestTime, s.timeZone);
    if (at > now && isWorkingDate(day, s)) return { day, at };
  }
  // Settings with no working day in two weeks cannot be parsed; this is only for the type checker.
  return { day: addDays(today, 1), at: toLocalInstant(addDays(today, 1), s.digestTime, s.timeZone) };
}

/**
 * The day whose digest is due at `now`: a working day whose send time has passed by less than `windowMs`.
 * The Worker's cron asks this on every tick; a window of a few ticks survives a missed one, and the claims
 * keep the repeats from sending twice.
 */
export function dueDigestDay(now: Date, s: DigestScheduleSettings, windowMs: number): string | null {
  const today = toLocalDay(now, s.timeZone);
  const at = toLocalInstant(today, s.digestTime, s.timeZone);
  const late = now.getTime() - at.getTime();
  return late >= 0 && late < windowMs && isWorkingDate(today, s) ? today : null;
}

/** Longest single timer: the clock is looked at again at least this often (sleep, clock changes). */
const MAX_TIMER_MS = 3_600_000;

/**
 * Runs `run(day)` at each send time while the server is up. A server started after today's send time runs
 * today's at once (the claims make sure nobody gets it twice, so a restart mid-run finishes the rest).
 */
export function startDigestSchedule(options: {
  settings: DigestScheduleSettings;
  run: (day: string) => Promise<unknown>;
  onError: (err: unknown, day: string) => void;
  now?: () => Date;
}): { stop(): Promise<void> } {
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const fire = (day: string) => {
    if (running) return;
    running = options
      .run(day)
      .then(
        () => undefined,
        (err: unknown) => options.onError(err, day),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const arm = () => {
    if (stopped) return;
    const next = nextDigestRun(now(), options.settings);
    const wait = Math.min(Math.max(next.at.getTime() - now().getTime(), 0), MAX_TIMER_MS);
    timer = setTimeout(() => {
      if (now() >= next.at) fire(next.day);
      arm();
    }, wait);
    timer.unref();
  };

  const t = now();
  const today = toLocalDay(t, options.settings.timeZone);
  if (
    isWorkingDate(today, options.settings) &&
    t >= toLocalInstant(today, options.settings.digestTime, options.settings.timeZone)
  )
    fire(today);
  arm();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
