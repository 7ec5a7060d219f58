import { describe, expect, it } from "vitest";
import { handOverFailure, listenFailure, runtimeFilesFailure } from "./stepFailures.js";

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("start-up step failures", () => {
  it("names a port in use and the variable that changes it", () => {
    expect(listenFailure(errno("EADDRINUSE", "listen EADDRINUSE"), 9770)).toEqual({
      errorType: "Extension.PortInUse",
      message: "port 9770 on 127.0.0.1 is already in use; set CREDENTIALS_SIDECAR_PORT to a free port",
    });
  });

  it("passes any other listen error's message on", () => {
    expect(listenFailure(errno("EACCES", "listen EACCES: permission denied 127.0.0.1:80"), 80)).toEqual({
      errorType: "Extension.ListenFailed",
      message: "listen EACCES: permission denied 127.0.0.1:80",
    });
  });

  it("names the runtime folder it could not write", () => {
    expect(runtimeFilesFailure(new Error("EROFS: read-only file system"), "/tmp/x")).toEqual({
      errorType: "Extension.RuntimeDirFailed",
      message: "cannot write /tmp/x: EROFS: read-only file system",
    });
  });

  it("names the port the server could not take over", () => {
    expect(handOverFailure(new Error("bad handle"), 40123)).toEqual({
      errorType: "Extension.ListenFailed",
      message: "cannot serve on port 40123: bad handle",
    });
  });
});
