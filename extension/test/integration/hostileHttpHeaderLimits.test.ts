/**
 * The bundled extension with too many request headers, over real sockets: Node drops those past its
 * limit unseen, so the sidecar refuses past its own (431 TooManyHeaders) and never serves such a
 * request, while exactly the allowed number is served.
 */
import { describe, expect, it } from "vitest";
import { MAX_REQUEST_HEADERS } from "../../src/http/requestGuards.js";
import { hostileSidecarPerFile } from "../support/hostileSidecar.js";
import { withPadding } from "../support/rawHttp.js";

const hostile = hostileSidecarPerFile();

describe("too many headers (Node drops those past its limit unseen)", () => {
  it.each([MAX_REQUEST_HEADERS - 2, 40, 100, 999, 1000, 1001, 1100, 2500])(
    "%i padding headers and an X-Forwarded-For: refused, never served",
    async (count) => {
      const response = await hostile.send(
        withPadding(count, ["X-Forwarded-For: 203.0.113.7"], hostile.token),
      );

      expect(response.status).toBe(count + 4 > MAX_REQUEST_HEADERS ? 431 : 403);
      expect(hostile.unsafety(response, undefined)).toEqual([]);
    },
  );

  it("serves a request with exactly the allowed number of header lines", async () => {
    const response = await hostile.send(withPadding(MAX_REQUEST_HEADERS - 3, [], hostile.token));

    expect(response.status).toBe(200);
  });

  it("answers one more than allowed with 431 TooManyHeaders", async () => {
    const response = await hostile.send(withPadding(MAX_REQUEST_HEADERS - 2, [], hostile.token));

    expect(response.status).toBe(431);
    expect(JSON.parse(response.body)).toEqual({ Code: "TooManyHeaders", Message: expect.any(String) });
  });
});
