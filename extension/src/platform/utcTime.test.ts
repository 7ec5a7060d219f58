import { describe, expect, it } from "vitest";
import { httpDate, isoTimestamp } from "./utcTime.js";

// Deterministic times: the edges of the four-digit years, of leap years and of every unit, then a
// fixed-seed walk across the whole range Date holds (each checked against Date's own formatting).
const MAX_MS = 8.64e15;
const EDGES = [
  0,
  -1,
  1,
  999,
  1000,
  Date.UTC(1970, 0, 1, 23, 59, 59, 999),
  Date.UTC(2000, 1, 29, 12),
  Date.UTC(2024, 1, 29, 0, 0, 0, 1),
  Date.UTC(2026, 11, 31, 23, 59, 59, 999),
  Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1, // year 10000: Date's own form
  Date.UTC(0, 0, 1) + 0 * 1, // year 1900 (Date.UTC maps 0 to 1900)
  new Date("0000-01-01T00:00:00.000Z").getTime(),
  new Date("0000-01-01T00:00:00.000Z").getTime() - 1, // year -1: Date's own form
  -MAX_MS,
  MAX_MS,
];
const FOUR_DIGIT_YEARS = [
  new Date("0000-01-01T00:00:00.000Z").getTime(),
  Date.UTC(9999, 11, 31, 23, 59, 59, 999),
];
function* walk(count: number, [low, high]: number[] = [-MAX_MS, MAX_MS]): Generator<number> {
  let state = 0x2545f491;
  for (let i = 0; i < count; i++) {
    // xorshift32, fixed seed: the same times every run.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const fraction = (state >>> 0) / 0x1_0000_0000;
    yield Math.round((low ?? 0) + fraction * ((high ?? 0) - (low ?? 0)));
  }
}

describe("isoTimestamp and httpDate", () => {
  it("print what Date's toISOString and toUTCString print, across Date's range", () => {
    const times = [...EDGES, ...walk(20_000, FOUR_DIGIT_YEARS), ...walk(2_000)];
    // Control: the walk does cover the years printed without Date (0–9999), not only the rest.
    expect(
      times.filter((ms) => Math.abs(new Date(ms).getUTCFullYear() - 5000) <= 5000).length,
    ).toBeGreaterThan(20_000);
    for (const ms of times) {
      expect(isoTimestamp(ms), String(ms)).toBe(new Date(ms).toISOString());
      expect(httpDate(ms), String(ms)).toBe(new Date(ms).toUTCString());
    }
  });

  it("refuse what Date refuses: a time outside its range or not a number", () => {
    for (const ms of [MAX_MS + 1, -MAX_MS - 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => isoTimestamp(ms)).toThrow(RangeError);
      expect(httpDate(ms)).toBe("Invalid Date");
    }
  });

  it("give the two forms of one ordinary moment", () => {
    const ms = Date.UTC(2026, 11, 7, 8, 5, 9, 42);
    expect(isoTimestamp(ms)).toBe("2026-12-07T08:05:09.042Z");
    expect(httpDate(ms)).toBe("Mon, 07 Dec 2026 08:05:09 GMT");
  });
});
