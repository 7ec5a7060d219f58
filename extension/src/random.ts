import { closeSync, openSync, readSync } from "node:fs";

/**
 * `length` cryptographically secure random bytes without loading node:crypto, which costs about
 * 5 ms before `register`: read from the kernel's CSPRNG, the same source crypto.randomBytes is
 * seeded from. Where there is no /dev/urandom, Web Crypto.
 */
export function secureRandomBytes(length: number, device = "/dev/urandom"): Buffer {
  const bytes = Buffer.alloc(length);
  try {
    const fd = openSync(device, "r");
    try {
      for (let filled = 0; filled < length; ) {
        const read = readSync(fd, bytes, filled, length - filled, null);
        if (read <= 0) throw new Error(`${device} gave no bytes`);
        filled += read;
      }
    } finally {
      closeSync(fd);
    }
  } catch {
    globalThis.crypto.getRandomValues(bytes);
  }
  return bytes;
}
