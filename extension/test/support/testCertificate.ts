/**
 * A self-signed certificate for a test's TLS peer, made by the openssl command (Debian: openssl).
 * Tests that need one skip, saying so, where there is no openssl.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
  /** The certificate's PEM file: what NODE_EXTRA_CA_CERTS names to trust it. */
  readonly certFile: string;
}

export const NO_OPENSSL = "no openssl command to make the test certificate (Debian: openssl)";

/**
 * An EC certificate for the DNS names `names` (the first is also its CN), valid two days, written as
 * `<first name>.key` and `.crt` in `dir`; undefined where there is no openssl command.
 */
export function selfSignedCertificate(
  dir: string,
  names: readonly [string, ...string[]],
): TestCertificate | undefined {
  if (spawnSync("openssl", ["version"]).status !== 0) return undefined;
  const keyFile = join(dir, `${names[0]}.key`);
  const certFile = join(dir, `${names[0]}.crt`);
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", `/CN=${names[0]}`],
      ...["-addext", `subjectAltName=${names.map((name) => `DNS:${name}`).join(",")}`],
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), certFile };
}
