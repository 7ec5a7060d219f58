// How bench/RESULTS.md writes figures: a summary with its spread, a verdict, sizes.
import { fmt } from "../lib/stats.mjs";

export const spread = (s, d = 1, unit = "") =>
  `${fmt(s.median, d)}${unit} (IQR ${fmt(s.q1, d)}–${fmt(s.q3, d)}, range ${fmt(s.min, d)}–${fmt(s.max, d)}, n=${s.n})`;
/** A difference with its sign: `+2.3`, `-4.9`. */
export const signed = (value, d = 1) => `${value >= 0 ? "+" : ""}${fmt(value, d)}`;
export const verdict = (ok) => (ok ? "**met**" : "**missed**");
export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
export const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export const mb = (bytes) => bytes / 1e6;
export const within = (value, limit, unit, digits = 1) =>
  value <= limit ? verdict(true) : `${verdict(false)} by ${fmt(value - limit, digits)}${unit}`;
