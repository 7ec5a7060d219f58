import { readBounded } from "./readBounded.js";

/**
 * `length` cryptographically secure random bytes without loading node:crypto, which costs about
 * 5 ms before `register`: read from the kernel's CSPRNG, the same source crypto.randomBytes is
 * seeded from. Where there is no /dev/urandom, Web Crypto.
 */
export function secureRandomBytes(length: number, device = "/dev/urandom"): Buffer {
  try {
    const bytes = readBounded(device, length);
    if (bytes.length === length) return bytes;
  } catch {
    // No such device, or not readable: Web Crypto below.
  }
  return globalThis.crypto.getRandomValues(Buffer.alloc(length));
}
