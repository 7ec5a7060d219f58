import { describe, expect, it } from "vitest";
import { secureRandomBytes } from "./random.js";

describe("secureRandomBytes", () => {
  it("gives as many bytes as asked, different every time", () => {
    const samples = Array.from({ length: 50 }, () => secureRandomBytes(32).toString("hex"));
    expect(samples.every((hex) => hex.length === 64)).toBe(true);
    expect(new Set(samples).size).toBe(50);
  });

  it("uses every byte value, not a narrow range", () => {
    const seen = new Set(secureRandomBytes(8192));
    expect(seen.size).toBe(256);
  });

  it("falls back to Web Crypto when the device cannot be read", () => {
    const bytes = secureRandomBytes(32, "/nonexistent/urandom");
    expect(bytes).toHaveLength(32);
    expect(bytes.equals(Buffer.alloc(32))).toBe(false);
  });

  it("reads the device it is given", () => {
    // /dev/zero gives zeros: proof the bytes come from the device and not the fallback.
    expect(secureRandomBytes(16, "/dev/zero").equals(Buffer.alloc(16))).toBe(true);
  });
});
