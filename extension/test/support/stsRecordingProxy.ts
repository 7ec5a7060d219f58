/**
 * An HTTP proxy in front of STS (moto) that keeps every call it forwards: the form body (what was
 * asked) and the User-Agent (which client asked: the extension's own, or the AWS SDK's).
 */
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedStsCall {
  readonly form: URLSearchParams;
  readonly userAgent: string;
}

export interface StsRecordingProxy {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_STS. */
  readonly url: string;
  /** Every call forwarded so far, in order. */
  readonly calls: readonly RecordedStsCall[];
  /** The AssumeRole calls among them. */
  assumeRoles(): RecordedStsCall[];
  close(): Promise<void>;
}

export async function startStsRecordingProxy(target: string): Promise<StsRecordingProxy> {
  const calls: RecordedStsCall[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString("utf8"));
      calls.push({ form, userAgent: incoming.headers["user-agent"] ?? "" });
      const forwarded = request(
        `${target}${incoming.url ?? "/"}`,
        { method: incoming.method, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on("error", () => outgoing.destroy());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    assumeRoles: () => calls.filter((call) => call.form.get("Action") === "AssumeRole"),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
