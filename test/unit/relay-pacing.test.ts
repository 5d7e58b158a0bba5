// When snapshots go out: at once after a quiet spell, once at the end of a burst, never more often than the
// client count allows, and at least every maxWait while a burst goes on. Driven with a fake clock.
import { describe, expect, it } from 'vitest';
import { PushPacer, QUIET_MS, maxWait, minInterval } from '../../src/relay/pacing.js';

/** Feed changes at the given times through the pacer the way the relay does; return when pushes happened. */
function simulate(changes: number[], sockets: number, until = (changes.at(-1) ?? 0) + 5000): number[] {
  const p = new PushPacer();
  const pushes: number[] = [];
  let timerAt: number | undefined;
  let i = 0;
  for (let now = 0; now <= until; now++) {
    if (timerAt !== undefined && now >= timerAt) {
      const more = p.due(now, sockets);
      if (more > 0) timerAt = now + more;
      else { timerAt = undefined; p.pushed(now); pushes.push(now); }
    }
    while (i < changes.length && changes[i] === now) {
      const wait = p.changed(now, sockets);
      i += 1;
      if (timerAt !== undefined) continue;
      if (wait === 0) { p.pushed(now); pushes.push(now); } else timerAt = now + wait;
    }
  }
  return pushes;
}

describe('push pacing', () => {
  it('sends a change after a quiet spell at once', () => {
    expect(simulate([1000], 10)).toEqual([1000]);
    expect(simulate([1000, 3000, 5000], 100)).toEqual([1000, 3000, 5000]);
  });

  it('sends a burst as its first change and its last state, QUIET_MS after the burst ends', () => {
    const burst = Array.from({ length: 100 }, (_, k) => 1000 + k * 6); // 150 uploads/s for 0.6 s
    const pushes = simulate(burst, 100);
    expect(pushes).toEqual([1000, burst.at(-1)! + QUIET_MS]);
  });

  it('shows a long burst every maxWait', () => {
    const burst = Array.from({ length: 1000 }, (_, k) => 1000 + k * 4); // 4 s of uploads
    const pushes = simulate(burst, 10);
    const gaps = pushes.slice(1).map((t, k) => t - pushes[k]!);
    expect(gaps.slice(0, -1).every((g) => g === maxWait(10))).toBe(true);
    expect(pushes.at(-1)).toBeGreaterThanOrEqual(burst.at(-1)!); // the last state goes out
    expect(pushes.at(-1)).toBeLessThanOrEqual(burst.at(-1)! + QUIET_MS);
  });

  it('never pushes more often than minInterval, and the last change always goes out', () => {
    for (const sockets of [1, 10, 100, 1000]) {
      const steady = Array.from({ length: 200 }, (_, k) => 1000 + k * 30); // every 30 ms: no burst, but frequent
      const pushes = simulate(steady, sockets);
      const gaps = pushes.slice(1).map((t, k) => t - pushes[k]!);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(minInterval(sockets));
      expect(pushes.at(-1)).toBeGreaterThanOrEqual(steady.at(-1)!);
      expect(pushes.at(-1)! - steady.at(-1)!).toBeLessThanOrEqual(minInterval(sockets));
    }
  });

  it('grows the interval with the client count, within bounds', () => {
    expect(minInterval(0)).toBe(50);
    expect(minInterval(100)).toBe(200);
    expect(minInterval(10_000)).toBe(500);
    expect(maxWait(10)).toBe(1000);
    expect(maxWait(1000)).toBe(2000);
  });
});
