// One runtime process's workers asking for credentials at once, as on Lambda Managed Instances (Node
// runs 64 workers per vCPU, Python 16, each with its own SDK credential cache): `clients` clients
// start together, each fetching credentials `requests` times in a row through the JS SDK's container
// provider (AWS_CONTAINER_CREDENTIALS_FULL_URI + token, as the layer's wrapper set them), a fresh
// provider per request, as an SDK with an empty cache would.
// Prints one JSON line: {"served", "failed", "keys": [distinct AccessKeyIds], "errors": [first 3]}.
import { fromHttp } from "@aws-sdk/credential-provider-http";

const [clients, requests] = process.argv.slice(2).map(Number);
if (!Number.isInteger(clients) || !Number.isInteger(requests)) {
  throw new Error("usage: burst-clients.mjs CLIENTS REQUESTS");
}

let served = 0;
const keys = new Set();
const errors = [];

async function client() {
  for (let i = 0; i < requests; i++) {
    try {
      const credentials = await fromHttp()();
      keys.add(credentials.accessKeyId);
      served++;
    } catch (error) {
      errors.push(String(error));
    }
  }
}

await Promise.all(Array.from({ length: clients }, client));
console.log(JSON.stringify({ served, failed: errors.length, keys: [...keys], errors: errors.slice(0, 3) }));
