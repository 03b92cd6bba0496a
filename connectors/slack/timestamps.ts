/** Slack's message timestamps (`ts`, "1712345678.000200": seconds with six decimals), compared and moved exactly. */

/** Slack ts as microseconds, for comparing and moving them (a ts has six decimals). */
export function tsToMicros(ts: string): bigint {
  const [seconds = "0", fraction = ""] = ts.split(".");
  return BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, "0").slice(0, 6));
}

export function microsToTs(micros: bigint): string {
  const m = micros < 0n ? 0n : micros;
  return `${m / 1_000_000n}.${String(m % 1_000_000n).padStart(6, "0")}`;
}

export const compareTs = (a: string, b: string) => {
  const d = tsToMicros(a) - tsToMicros(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};
export const toTsOfDate = (date: Date) => microsToTs(BigInt(date.getTime()) * 1000n);
export const secondsOf = (ts: string) => Number(tsToMicros(ts) / 1000n) / 1000;
