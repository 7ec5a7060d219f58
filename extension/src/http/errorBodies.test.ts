import { errorCodes } from "fastify";
import { describe, expect, it } from "vitest";
import { publicError } from "./errorBodies.js";

describe("publicError", () => {
  // Every error fastify can raise, built as fastify builds it: none may show its code or text.
  const fastifyErrors = Object.entries(errorCodes).map(([name, ErrorType]) => {
    const error = new (ErrorType as new (...args: string[]) => Error & { statusCode?: number })(
      "detail-a",
      "detail-b",
      "detail-c",
    );
    return { name, error };
  });

  it("covers fastify's error codes (the list is not empty)", () => {
    expect(fastifyErrors.length).toBeGreaterThan(50);
  });

  it.each(fastifyErrors)("maps $name to our {Code, Message}, without its code or text", ({ error }) => {
    const { status, body } = publicError(error.statusCode);

    expect(Object.keys(body).sort()).toEqual(["Code", "Message"]);
    expect(JSON.stringify(body)).not.toMatch(/FST_|detail-|fastify/i);
    expect(body.Message).not.toContain(error.message);
    const keeps = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500;
    expect(status).toBe(keeps ? error.statusCode : error.statusCode === 503 ? 503 : 500);
  });

  it.each(Array.from({ length: 200 }, (_, i) => 400 + i))("gives status %i a body of our own", (code) => {
    const { status, body } = publicError(code);

    expect(status >= 400 && status < 600).toBe(true);
    expect(body.Code).toMatch(/^[A-Z][A-Za-z]+$/);
  });
});
