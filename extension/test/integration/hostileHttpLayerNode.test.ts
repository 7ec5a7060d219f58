/**
 * The guards that depend on Node's header limit and parser, on the layer's own node (24), which the
 * extension runs on in Lambda; `serve` and `local` run on the user's (20 here), where the other hostile
 * HTTP tests run it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractLayer, layerEntries } from "../../../layer/test/support/layer.js";
import { MAX_REQUEST_HEADERS } from "../../src/http/requestGuards.js";
import { FOREIGN_AUTHORITIES } from "../support/authorities.js";
import { methodNames } from "../support/hostileRequestCases.js";
import { hostileSidecarPerFile } from "../support/hostileSidecar.js";
import { hasControl, withPadding } from "../support/rawHttp.js";

let layerNode = "";
const layer = hostileSidecarPerFile({
  command: async () => {
    const work = mkdtempSync(join(tmpdir(), "hostile-layer-"));
    const { entries } = await layerEntries(work);
    const opt = extractLayer(entries, join(work, "opt"));
    layerNode = join(opt, "credentials-sidecar", "bin", "node");
    return [layerNode, join(opt, "credentials-sidecar", "extension.mjs")];
  },
});

describe("on the layer's node", () => {
  it("runs a node other than this machine's", async () => {
    expect(execFileSync(layerNode, ["--version"], { encoding: "utf8" }).trim()).not.toBe(process.version);
  });

  it("refuses too many headers with 431 and serves the allowed number", async () => {
    const statuses: (number | undefined)[] = [];
    for (const count of [MAX_REQUEST_HEADERS - 2, 999, 1000, 1001, 2500]) {
      const response = await layer.send(withPadding(count, ["X-Forwarded-For: 203.0.113.7"], layer.token));
      statuses.push(response.status);
    }
    const allowed = await layer.send(withPadding(MAX_REQUEST_HEADERS - 3, [], layer.token));

    expect(statuses).toEqual([431, 431, 431, 431, 431]);
    expect(allowed.status).toBe(200);
  });

  it("refuses foreign Hosts and absolute-form authorities, and every method but GET", async () => {
    const wrong: string[] = [];
    for (const host of FOREIGN_AUTHORITIES.filter((h) => h.trim() === h && !hasControl(h))) {
      const byHost = await layer.send(
        Buffer.from(
          `GET /roles/reader HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${layer.token}\r\nConnection: close\r\n\r\n`,
          "utf8",
        ),
      );
      if (byHost.status !== 403) wrong.push(`Host ${JSON.stringify(host)}: ${byHost.status}`);
    }
    for (const authority of [
      "evil.example",
      "localhost:evil.example",
      "127.0.0.1:80@evil.example",
      "[::1]junk",
    ]) {
      const byTarget = await layer.send(
        `GET http://${authority}/roles/reader HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${layer.token}\r\nConnection: close\r\n\r\n`,
      );
      if (byTarget.status !== 403) wrong.push(`target ${authority}: ${byTarget.status}`);
    }
    for (const method of methodNames()) {
      const response = await layer.send(
        `${method} /roles/reader HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      if (response.status !== 405) wrong.push(`${method}: ${response.status}`);
    }
    expect(wrong).toEqual([]);
  });
});
