import { describe, expect, it } from "vitest";
import { headerLine, readResponse } from "./http1.js";

const read = (text: string, ended = false) => readResponse(Buffer.from(text, "latin1"), ended);

describe("readResponse", () => {
  it.each([
    ["Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok", true],
    ["chunks", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", "ok", true],
    [
      "chunks and a trailer",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n\r\n",
      "",
      true,
    ],
    ["Connection: close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", "ok", false],
    [
      "close among tokens",
      "HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 2\r\n\r\nok",
      "ok",
      false,
    ],
    [
      "a token that only starts with close",
      "HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 2\r\n\r\nok",
      "ok",
      true,
    ],
    ["HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok", false],
  ])(
    "framed by %s: the body, its end, and whether the connection can carry another request",
    (_case, text, body, keepAlive) => {
      // Act: what follows the response is not part of it
      const response = read(`${text}HTTP/1.1 200 OK`);

      // Assess
      expect(response?.body.toString("latin1")).toBe(body);
      expect(response?.length).toBe(text.length);
      expect(response?.keepAlive).toBe(keepAlive);
    },
  );

  it("waits for every byte the framing announces; a body framed by the end waits for the end", () => {
    const whole = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX: 1\r\n\r\n";
    for (let cut = 0; cut < whole.length; cut++)
      expect(read(whole.slice(0, cut)), String(cut)).toBeUndefined();
    expect(read("HTTP/1.1 200 OK\r\n\r\nsome")).toBeUndefined();
    expect(read("HTTP/1.1 200 OK\r\n\r\nsome", true)).toMatchObject({ length: 23, keepAlive: false });
  });

  it.each([
    ["a status line that is not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP/1.1 status line"],
    ["a header line without a name", "HTTP/1.1 200 OK\r\n: x\r\n\r\n", "not a response header"],
    [
      "a Content-Length that is no number",
      "HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\n",
      'a Content-Length of "2x"',
    ],
    [
      "a chunk size that is no number",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      'a chunk size of "zz"',
    ],
    [
      "a chunk longer than its size",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nok\r\n",
      "a chunk does not end where its size says",
    ],
  ])("refuses %s, naming it", (_case, text, message) => {
    expect(() => read(text)).toThrow(message);
  });
});

describe("headerLine", () => {
  it("writes a header, and refuses a name or value that could carry another header", () => {
    expect(headerLine("x-amz-date", "20261207T000000Z")).toBe("x-amz-date: 20261207T000000Z");
    expect(() => headerLine("x-amz-security-token", "a\r\nx-injected: 1")).toThrow(
      'the "x-amz-security-token" header cannot be sent as it is',
    );
    expect(() => headerLine("bad name", "v")).toThrow('the "bad name" header cannot be sent as it is');
  });
});
