/**
 * Dates as text, built from Date's UTC getters rather than its own formatting. V8 works out the local
 * time zone, through ICU, the first time any Date becomes text (`toISOString` and `toUTCString`
 * included, though what they print is UTC), and that maps about 8 MiB of ICU's data in node's binary
 * into the process: memory Lambda counts against the function, for a zone the sidecar never prints.
 * The UTC getters do not touch it (bench/RESULTS.md, "What was tried"). Years outside 0–9999, and
 * invalid times, go to Date itself, which prints (or refuses) them as it always did.
 */
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const two = (n: number) => (n < 10 ? `0${n}` : String(n));
const three = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));
const four = (n: number) => String(n).padStart(4, "0");

/** A Date for `ms` whose year Date prints with four digits, else undefined. */
function ordinary(ms: number): Date | undefined {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year >= 0 && year <= 9999 ? date : undefined;
}

/** `new Date(ms).toISOString()`: `2026-12-07T08:50:00.123Z`. */
export function isoTimestamp(ms: number): string {
  const date = ordinary(ms);
  if (date === undefined) return new Date(ms).toISOString();
  return (
    `${four(date.getUTCFullYear())}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}` +
    `T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}` +
    `.${three(date.getUTCMilliseconds())}Z`
  );
}

/** `new Date(ms).toUTCString()`, HTTP's date form: `Mon, 07 Dec 2026 08:50:00 GMT`. */
export function httpDate(ms: number): string {
  const date = ordinary(ms);
  if (date === undefined) return new Date(ms).toUTCString();
  return (
    `${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ` +
    `${four(date.getUTCFullYear())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:` +
    `${two(date.getUTCSeconds())} GMT`
  );
}
