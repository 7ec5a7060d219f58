import { describe, expect, it } from "vitest";
import { formatRoleStatus } from "./roleStatus.js";

describe("formatRoleStatus", () => {
  it("shows the role ARN and expiry, or the error, never the keys; * marks the default", () => {
    const text = formatRoleStatus(
      [
        {
          role: "app",
          status: 200,
          body: {
            AccessKeyId: "ASIAKEY",
            SecretAccessKey: "very-secret",
            Token: "session-token",
            RoleArn: "arn:aws:iam::123456789012:role/app",
            Expiration: "2026-01-01T00:00:00Z",
          },
        },
        { role: "admin", status: 403, body: { Code: "AccessDenied", Message: "not authorized" } },
      ],
      "app",
    );
    expect(text).toBe(
      [
        "  app*    ok     arn:aws:iam::123456789012:role/app, expires 2026-01-01T00:00:00Z",
        "  admin   403    AccessDenied: not authorized",
      ].join("\n"),
    );
    expect(text).not.toMatch(/ASIAKEY|very-secret|session-token/);
  });
});
