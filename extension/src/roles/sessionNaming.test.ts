import { describe, expect, it } from "vitest";
import { instanceIdFromLogStream, SessionNaming } from "./sessionNaming.js";

const LOG_STREAM = "2021/10/02/[$LATEST]7dbe525574b94441ab09ec8ae6d724be";

describe("instanceIdFromLogStream", () => {
  it.each([
    [LOG_STREAM, "7dbe525574b94441ab09ec8ae6d724be"],
    ["2026/12/01/[42]0123abcd", "0123abcd"],
    ["2026/12/01/my-function[$LATEST]abc_def", "abc_def"],
  ])("takes the id at the end of %s", (logStream, id) => {
    expect(instanceIdFromLogStream(logStream)).toBe(id);
  });

  it.each([
    "",
    "$LATEST",
    "LATEST",
    "plain",
    "2026/12/01/[$LATEST]",
    "ends with a space ",
    "ends/with/slash/",
  ])("finds none in %j", (logStream) => {
    expect(instanceIdFromLogStream(logStream)).toBeUndefined();
  });
});

describe("SessionNaming", () => {
  it("uses the sidecar's own id until a log stream is adopted, then the log stream's", () => {
    // Prepare
    const naming = new SessionNaming({ functionName: "orders", functionVersion: "3", instanceId: "c0ffee" });
    const before = naming.current();

    // Act
    const adopted = naming.adoptLogStream(LOG_STREAM);

    // Assess
    expect(before).toBe("orders.3.c0ffee");
    expect(adopted).toBe(true);
    expect(naming.current()).toBe("orders.3.7dbe525574b94441ab09ec8ae6d724be");
    expect(naming.logStream).toBe(LOG_STREAM);
  });

  it("matches aws-assume-role-lib's name for its demo's log stream, truncated to 64", () => {
    const naming = new SessionNaming({
      functionName: "aws-assume-role-lib-demo-Function4-ABC123XYZ",
      functionVersion: "$LATEST",
      instanceId: "c0ffee",
    });

    naming.adoptLogStream(LOG_STREAM);

    // 64 characters: the function name, a dot, and as much of the id as fits.
    expect(naming.current()).toBe("aws-assume-role-lib-demo-Function4-ABC123XYZ.7dbe525574b94441ab0");
    expect(naming.current()).toHaveLength(64);
  });

  it("keeps its id when the log stream name has none", () => {
    const naming = new SessionNaming({ functionName: "orders", instanceId: "c0ffee" });

    expect(naming.adoptLogStream("2026/12/01/[$LATEST]")).toBe(false);

    expect(naming.current()).toBe("orders.c0ffee");
    expect(naming.logStream).toBeUndefined();
  });
});
