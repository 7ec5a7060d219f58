/** The trust policies and statements the construct makes for the roles a config names. */
import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as iam from "aws-cdk-lib/aws-iam";
import { describe, expect, it, vi } from "vitest";
import { CredentialsSidecar } from "../credentialsSidecar.js";
import { AUDITOR, CONFIG, READER } from "./support/synth.js";

// The first synth loads much of aws-cdk-lib, which it requires lazily: seconds on a loaded machine.
vi.setConfig({ testTimeout: 150_000 });

describe("CredentialsSidecar.trustPolicyFor and principalFor", () => {
  const EXECUTION_ROLE = "arn:aws:iam::111122223333:role/orders-fn";

  it("trusts the execution role for a direct role, with the ExternalId and tags the config uses", () => {
    const statement = CredentialsSidecar.trustPolicyFor(CONFIG, "reader", EXECUTION_ROLE);
    expect(new Stack().resolve(statement.toStatementJson())).toEqual({
      Effect: "Allow",
      Principal: { AWS: EXECUTION_ROLE },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: { StringEquals: { "sts:ExternalId": "orders-1" } },
    });
  });

  it("trusts the source role for a chained role, and needs no execution role for it", () => {
    const statement = CredentialsSidecar.trustPolicyFor(CONFIG, "auditor");
    expect(new Stack().resolve(statement.toStatementJson())).toEqual({
      Effect: "Allow",
      Principal: { AWS: READER },
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
    });
  });

  it("gives the source role of a chain the statement to assume the next role", () => {
    const [statement, ...more] = CredentialsSidecar.assumeRoleStatements(CONFIG, "reader");
    expect(more).toEqual([]);
    expect(new Stack().resolve(statement?.toStatementJson())).toEqual({
      Effect: "Allow",
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Resource: AUDITOR,
    });
  });

  it("makes a role's whole trust policy from principalFor", () => {
    const stack = new Stack();
    new iam.Role(stack, "Reader", {
      assumedBy: CredentialsSidecar.principalFor(CONFIG, "reader", EXECUTION_ROLE),
    });
    Template.fromStack(stack).hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: EXECUTION_ROLE },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: { "sts:ExternalId": "orders-1" } },
          },
        ],
      },
    });
  });

  it("names the roles there are when asked for one that is not", () => {
    expect(() => CredentialsSidecar.trustPolicyFor(CONFIG, "writer", EXECUTION_ROLE)).toThrow(
      "no role writer in the config (have: reader, auditor)",
    );
    expect(() => CredentialsSidecar.trustPolicyFor(CONFIG, "reader")).toThrow(/pass the execution role/);
  });
});
