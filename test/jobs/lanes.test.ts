// Receiver lanes and their breakers, on a fixed clock: what opens a breaker, what it lets through, what closes it.
import { describe, expect, it } from 'vitest';
import { BREAKER_FAILURES, BREAKER_OPEN_MS, LANE_SIZE, createLanes } from '../../src/jobs/lanes.ts';
import type { SendOutcome } from '../../src/notify/send.ts';

const ORIGIN = 'https://hooks.example.com';
const hangUp: SendOutcome = { ok: false, status: null, error: 'timeout', retryAfterMs: null };
const notFound: SendOutcome = { ok: false, status: 404, error: 'HTTP 404', retryAfterMs: null };
const ok: SendOutcome = { ok: true, status: 200 };
const d = (subscriptionId: string, receiver = ORIGIN) => ({ subscriptionId, receiver });

describe('lanes', () => {
  it(`hold ${LANE_SIZE} per origin, and one lane per subscription on a shared chat host`, () => {
    const lanes = createLanes({ now: () => 0 });
    for (let i = 0; i < LANE_SIZE; i += 1) lanes.start(d(`s${i}`));
    expect(lanes.canStart(d('next'))).toBe(false);
    expect(lanes.blocked()).toEqual({ receivers: [ORIGIN], subscriptions: [] });
    const slack = 'https://hooks.slack.com';
    for (let i = 0; i < 50; i += 1) lanes.start(d(`slack${i}`, slack));
    expect(lanes.canStart(d('slack-new', slack))).toBe(true);
    lanes.finish(d('s0'), ok);
    expect(lanes.canStart(d('next'))).toBe(true);
  });

  it('open after failures in a row that speak of the receiver, let one trial through later, close on success', () => {
    let now = 0;
    const lanes = createLanes({ now: () => now });
    for (let i = 0; i < BREAKER_FAILURES + 2; i += 1) {
      lanes.start(d(`s${i}`));
      lanes.finish(d(`s${i}`), notFound);
    }
    expect(lanes.canStart(d('x'))).toBe(true);
    for (let i = 0; i < BREAKER_FAILURES; i += 1) {
      lanes.start(d(`h${i}`));
      lanes.finish(d(`h${i}`), hangUp);
    }
    expect(lanes.canStart(d('x'))).toBe(false);
    expect(lanes.blocked().receivers).toEqual([ORIGIN]);
    // A send started before it opened ends later: the breaker stays open no longer.
    now += BREAKER_OPEN_MS / 2;
    lanes.finish(d('late'), hangUp);
    now = BREAKER_OPEN_MS;
    expect(lanes.canStart(d('x'))).toBe(true);
    lanes.start(d('trial'));
    expect(lanes.canStart(d('y'))).toBe(false);
    // The trial fails: open again, twice as long.
    lanes.finish(d('trial'), hangUp);
    now += BREAKER_OPEN_MS * 2 - 1;
    expect(lanes.canStart(d('x'))).toBe(false);
    now += 1;
    lanes.start(d('trial2'));
    lanes.finish(d('trial2'), ok);
    for (let i = 0; i < LANE_SIZE - 1; i += 1) lanes.start(d(`again${i}`));
    expect(lanes.canStart(d('z'))).toBe(true);
  });
});
