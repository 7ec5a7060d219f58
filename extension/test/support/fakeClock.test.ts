import { describe, expect, it } from "vitest";
import { FakeClock } from "./fakeClock.js";

describe("FakeClock", () => {
  it("runs due timers in due order, with now() at each one's due time", () => {
    // Prepare
    const clock = new FakeClock(1000);
    const fired: [string, number][] = [];
    clock.schedule(() => fired.push(["late", clock.now()]), 300);
    clock.schedule(() => fired.push(["early", clock.now()]), 100);
    clock.schedule(() => fired.push(["tie", clock.now()]), 100);
    clock.schedule(() => fired.push(["beyond", clock.now()]), 301);

    // Act
    clock.advance(300);

    // Assess
    expect(fired).toEqual([
      ["early", 1100],
      ["tie", 1100],
      ["late", 1300],
    ]);
    expect(clock.now()).toBe(1300);
    expect(clock.pendingTimers()).toBe(1);
  });

  it("runs a timer scheduled by a timer when it falls due within the same advance", () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.schedule(() => {
      fired.push(clock.now());
      clock.schedule(() => fired.push(clock.now()), 50);
    }, 100);

    clock.advance(200);

    expect(fired).toEqual([100, 150]);
  });

  it("does not run cancelled timers, nor any timer on jump()", () => {
    const clock = new FakeClock(0);
    let runs = 0;
    const cancel = clock.schedule(() => runs++, 10);
    clock.schedule(() => runs++, 20);

    cancel();
    clock.jump(100);
    expect(runs).toBe(0);
    expect(clock.now()).toBe(100);

    clock.advance(0);
    expect(runs).toBe(1);
  });
});
