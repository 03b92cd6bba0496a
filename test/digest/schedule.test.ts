import { describe, expect, it } from "vitest";
import {
  dueDigestDay,
  nextDigestRun,
  previousWorkingDay,
  startDigestSchedule,
  toLocalInstant,
} from "../../src/digest/schedule.ts";

const BERLIN = {
  timeZone: "Europe/Berlin",
  digestTime: "07:00",
  workingDays: [1, 2, 3, 4, 5],
  holidays: ["2026-04-03"],
};

describe("the digest's schedule", () => {
  it("finds the send time on the team's wall clock, across the clock changes", () => {
    expect(toLocalInstant("2026-03-04", "07:00", "Europe/Berlin").toISOString()).toBe(
      "2026-03-04T06:00:00.000Z",
    );
    expect(toLocalInstant("2026-03-30", "07:00", "Europe/Berlin").toISOString()).toBe(
      "2026-03-30T05:00:00.000Z",
    );
    expect(toLocalInstant("2026-03-29", "02:30", "Europe/Berlin").toISOString()).toBe(
      "2026-03-29T01:30:00.000Z",
    );
    expect(toLocalInstant("2026-03-04", "07:00", "America/New_York").toISOString()).toBe(
      "2026-03-04T12:00:00.000Z",
    );
  });

  it("sends on working days only: after Friday's, Monday's; never on a holiday", () => {
    expect(nextDigestRun(new Date("2026-03-06T06:30:00Z"), BERLIN)).toEqual({
      day: "2026-03-09",
      at: new Date("2026-03-09T06:00:00Z"),
    });
    expect(nextDigestRun(new Date("2026-03-04T05:00:00Z"), BERLIN).day).toBe("2026-03-04");
    expect(nextDigestRun(new Date("2026-04-02T07:00:00Z"), BERLIN).day).toBe("2026-04-06");
    expect(previousWorkingDay("2026-03-09", BERLIN)).toBe("2026-03-06");
  });

  it("tells a cron tick whether it falls in the send window", () => {
    const hour = 3_600_000;
    expect(dueDigestDay(new Date("2026-03-04T06:00:00Z"), BERLIN, hour)).toBe("2026-03-04");
    expect(dueDigestDay(new Date("2026-03-04T06:45:00Z"), BERLIN, hour)).toBe("2026-03-04");
    expect(dueDigestDay(new Date("2026-03-04T05:45:00Z"), BERLIN, hour)).toBeNull();
    expect(dueDigestDay(new Date("2026-03-04T07:00:00Z"), BERLIN, hour)).toBeNull();
    expect(dueDigestDay(new Date("2026-03-07T06:15:00Z"), BERLIN, hour)).toBeNull();
  });

  it("in a server started after today's send time, sends today's at once, and stops cleanly", async () => {
    const days: string[] = [];
    const schedule = startDigestSchedule({
      settings: BERLIN,
      now: () => new Date("2026-03-04T09:00:00Z"),
      run: async (day) => {
        days.push(day);
      },
      onError: () => {},
    });
    await schedule.stop();
    expect(days).toEqual(["2026-03-04"]);

    const none: string[] = [];
    const weekend = startDigestSchedule({
      settings: BERLIN,
      now: () => new Date("2026-03-07T09:00:00Z"),
      run: async (day) => {
        none.push(day);
      },
      onError: () => {},
    });
    await weekend.stop();
    expect(none).toEqual([]);
  });
});
