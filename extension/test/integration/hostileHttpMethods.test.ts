/**
 * The bundled extension's answer to every method but GET, over real sockets: 405 with Allow: GET and
 * {Code, Message}, on every path, for every method Node's parser knows and seeded made-up ones.
 */
import { describe, expect, it } from "vitest";
import { methodNames } from "../support/hostileRequestCases.js";
import { hostileSidecarPerFile } from "../support/hostileSidecar.js";

const hostile = hostileSidecarPerFile();

describe("methods", () => {
  it("answers 405 with Allow: GET and {Code, Message} to every method but GET, on every path", async () => {
    const wrong: string[] = [];
    for (const method of methodNames()) {
      for (const path of ["/roles/reader", "/health", "/nowhere"]) {
        const response = await hostile.send(
          `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${hostile.token}\r\nContent-Type: application/json\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{x}`,
        );
        if (response.status !== 405 || response.headers.get("allow")?.[0] !== "GET")
          wrong.push(`${method} ${path}: ${response.status} allow=${response.headers.get("allow")}`);
        const problems = hostile.unsafety(response, undefined);
        if (method !== "HEAD" && !/"Code":"MethodNotAllowed"/.test(response.body)) problems.push("body");
        wrong.push(...problems.map((problem) => `${method} ${path}: ${problem}`));
      }
    }
    expect(wrong).toEqual([]);
  });
});
