// The floor of first credentials on Node, timed by cold_start.py beside the sidecar: a bare script
// that does only what any Node program serving container credentials must do before its first
// answer. It listens on 127.0.0.1 with node:http (writing its roles URL where the sidecar writes
// its own), loads node:https (what AssumeRole goes over on Lambda), signs one AssumeRole with SigV4
// (node:crypto) and sends it over node:http to the STS stand-in, and answers GET /roles/<name> with
// the credentials once STS has answered (a request before that waits, as the sidecar's does). No
// fastify, no config, no Runtime API, no code cache: the sidecar's time above this is its own.
//
// With FLOOR_AS=extension it is the floor of a Lambda extension that serves through fastify: it first
// writes its register request to the Runtime API (the answer is not needed before first credentials),
// then serves through fastify, built with the sidecar's options. That variant runs bundled as the
// layer bundles fastify, with a code cache (bench/lib/extensionFloor.mjs), never as this file.
"use strict";
const env = process.env;
const asExtension = env.FLOOR_AS === "extension";
if (asExtension) register();

/** The register request, written as soon as connected; the answer is read and dropped. */
function register() {
  const [host, port] = env.AWS_LAMBDA_RUNTIME_API.split(":");
  const events = JSON.stringify({ events: ["INVOKE", "SHUTDOWN"] });
  const socket = require("node:net").connect(Number(port), host, () =>
    socket.write(
      `POST /2020-01-01/extension/register HTTP/1.1\r\nHost: ${env.AWS_LAMBDA_RUNTIME_API}\r\n` +
        `Lambda-Extension-Name: floor\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${events.length}\r\nConnection: close\r\n\r\n${events}`,
    ),
  );
  socket.on("error", (error) => {
    throw error;
  });
  socket.resume();
}

const http = require("node:http");
require("node:https");
const { createHash, createHmac } = require("node:crypto");
const { mkdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

let body;
const waiting = [];
const listening = (port) => {
  const runtimeDir = env.CREDENTIALS_SIDECAR_RUNTIME_DIR;
  mkdirSync(runtimeDir, { recursive: true });
  writeFileSync(join(runtimeDir, "token"), "floor");
  writeFileSync(join(runtimeDir, "roles-url"), `http://127.0.0.1:${port}/roles/`);
};

/** The plain face: node:http, one handler for every request. */
function serveWithNodeHttp() {
  const answer = (response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(body);
  };
  const server = http.createServer((_request, response) => {
    if (body === undefined) waiting.push(response);
    else answer(response);
  });
  server.listen(0, "127.0.0.1", () => listening(server.address().port));
  return answer;
}

/** fastify with the sidecar's options (http/server.ts): no logger, no HEAD routes, no schemas. */
function serveWithFastify() {
  const Fastify = require("fastify");
  const noSchemas = () => () => true;
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    bodyLimit: 1024,
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
  });
  app.get("/roles/:name", (_request, reply) => {
    if (body === undefined) waiting.push(reply);
    else answer(reply);
  });
  const answer = (reply) => reply.code(200).type("application/json").send(body);
  app.listen({ port: 0, host: "127.0.0.1" }).then(() => listening(app.server.address().port));
  return answer;
}

const answer = asExtension ? serveWithFastify() : serveWithNodeHttp();

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();
const endpoint = new URL(env.AWS_ENDPOINT_URL_STS);
const form = new URLSearchParams({
  Action: "AssumeRole",
  Version: "2011-06-15",
  RoleArn: env.CREDENTIALS_SIDECAR_ROLE_ARN,
  RoleSessionName: "floor",
}).toString();
const now = new Date();
const amzDate = `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, "0")}${String(now.getUTCDate()).padStart(2, "0")}T${String(now.getUTCHours()).padStart(2, "0")}${String(now.getUTCMinutes()).padStart(2, "0")}${String(now.getUTCSeconds()).padStart(2, "0")}Z`;
const day = amzDate.slice(0, 8);
const region = env.AWS_REGION;
const scope = `${day}/${region}/sts/aws4_request`;
const headers = {
  "content-type": "application/x-www-form-urlencoded",
  host: endpoint.host,
  "x-amz-date": amzDate,
};
const signed = Object.keys(headers).join(";");
const canonical = [
  "POST",
  "/",
  "",
  ...Object.entries(headers).map(([k, v]) => `${k}:${v}`),
  "",
  signed,
  sha256(form),
].join("\n");
const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
const key = ["sts", "aws4_request"].reduce(hmac, hmac(hmac(`AWS4${env.AWS_SECRET_ACCESS_KEY}`, day), region));
const signature = createHmac("sha256", key).update(toSign).digest("hex");
const request = http.request(
  {
    method: "POST",
    hostname: endpoint.hostname,
    port: endpoint.port,
    path: "/",
    headers: {
      ...headers,
      authorization: `AWS4-HMAC-SHA256 Credential=${env.AWS_ACCESS_KEY_ID}/${scope}, SignedHeaders=${signed}, Signature=${signature}`,
    },
  },
  (response) => {
    let xml = "";
    response.setEncoding("utf8");
    response.on("data", (chunk) => {
      xml += chunk;
    });
    response.on("end", () => {
      const field = (name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
      if (response.statusCode !== 200) throw new Error(`STS answered ${response.statusCode}: ${xml}`);
      body = JSON.stringify({
        AccessKeyId: field("AccessKeyId"),
        SecretAccessKey: field("SecretAccessKey"),
        Token: field("SessionToken"),
        Expiration: field("Expiration"),
      });
      for (const response of waiting.splice(0)) answer(response);
    });
  },
);
request.end(form);
process.on("SIGTERM", () => process.exit(0));
