/**
 * The bundled extension's HTTP face under ~300 seeded random requests over real sockets (node:net,
 * byte for byte): methods, paths, Host and proxy headers, tokens, bodies, malformed framing. Each gets
 * the status the sidecar's rules give it, nothing but a correctly authorised 200 carries credential
 * material, and the process survives.
 */
import { describe, expect, it } from "vitest";
import { buildCase, SEED, tokens } from "../support/hostileRequestCases.js";
import { hostileSidecarPerFile } from "../support/hostileSidecar.js";
import { seededRandom } from "../support/seededRandom.mjs";

const hostile = hostileSidecarPerFile();

const GENERATED_CASES = 300;

describe(`~${GENERATED_CASES} seeded random requests (seed ${SEED.toString(16)})`, () => {
  it("each gets its status, never carries credentials it should not, and the process lives on", async () => {
    // Prepare
    const random = seededRandom(SEED);
    const tokenCases = tokens(random, hostile.token);
    const cases = Array.from({ length: GENERATED_CASES }, () =>
      buildCase(random, tokenCases, { port: hostile.port, token: hostile.token }),
    );

    // Act
    const mismatches: string[] = [];
    let authorisedServed = 0;
    for (const testCase of cases) {
      const response = await hostile.send(testCase.bytes);

      // Assess
      if (!testCase.expected.includes(response.status))
        mismatches.push(
          `${testCase.title}: got ${response.status}, expected ${testCase.expected.join("|")} ${response.body.slice(0, 120)}`,
        );
      for (const problem of hostile.unsafety(response, testCase.authorisedFor))
        mismatches.push(`${testCase.title}: ${problem}`);
      if (testCase.authorisedFor !== undefined && response.status === 200) {
        const body = JSON.parse(response.body) as Record<string, string>;
        expect(body.RoleArn).toBe(`arn:aws:iam::${hostile.sts.accountId}:role/${testCase.authorisedFor}`);
        authorisedServed++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(authorisedServed).toBeGreaterThan(0); // the generator does reach the success path
    expect(hostile.sidecar.child.exitCode).toBeNull();
    const after = await fetch(`http://127.0.0.1:${hostile.sidecar.port}/roles/reader`, {
      headers: { authorization: hostile.token },
    });
    expect(after.status).toBe(200);
  });
});
