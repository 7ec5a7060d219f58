import { type IncomingMessage, ServerResponse } from "node:http";
import { httpDate } from "../platform/utcTime.js";

let dateSecond = Number.NaN;
let dateText = "";

/** The Date header's value for `nowMs`, made once a second (as node:http does with its own). */
export function dateHeader(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = httpDate(second * 1000);
  }
  return dateText;
}

/**
 * The servers' response class (`createServer({ ServerResponse })`): it carries a Date header made by
 * platform/utcTime.ts instead of node:http's own, whose `toUTCString()` makes V8 load the local time
 * zone through ICU, about 8 MiB more of the process's memory for a header that is UTC anyway.
 */
export class DatedResponse<
  Request extends IncomingMessage = IncomingMessage,
> extends ServerResponse<Request> {
  constructor(...args: ConstructorParameters<typeof ServerResponse<Request>>) {
    super(...args);
    this.sendDate = false;
    this.setHeader("date", dateHeader());
  }
}
