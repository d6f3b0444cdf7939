// LiveSocket's reconnection rules, against a fake WebSocket and a fake clock.
// Run with `npm test` (node --test); tests/hub/test_frontend_bundles.py runs it in the suite.

import assert from "node:assert/strict";
import { test } from "node:test";

import { LiveSocket, backoffDelay } from "../src/live-socket.js";

const CLOSE_CODES = { final: new Set([4403, 4404]), retry: new Set([1001, 1012, 1013]) };

class FakeSocket {
  static made = [];
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.listeners = {};
    FakeSocket.made.push(this);
  }
  addEventListener(type, listener) {
    (this.listeners[type] ??= []).push(listener);
  }
  emit(type, event = {}) {
    for (const listener of this.listeners[type] ?? []) listener(event);
  }
  send(data) {
    this.sent.push(JSON.parse(data));
  }
  close(code) {
    this.emit("close", { code });
  }
}

function harness({ random = () => 0.5 } = {}) {
  FakeSocket.made = [];
  const clock = { now: 0, timers: [] };
  const received = [];
  const stops = [];
  const live = new LiveSocket({
    url: "ws://hub/ws/gaf/rounds/7/",
    lastId: 3,
    closeCodes: CLOSE_CODES,
    onMessage: (message) => received.push(message),
    onStop: (code) => stops.push(code),
    WebSocketImpl: FakeSocket,
    setTimer: (callback, ms) => {
      const timer = { callback, at: clock.now + ms, ms };
      clock.timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => {
      clock.timers = clock.timers.filter((t) => t !== timer);
    },
    now: () => clock.now,
    random,
  });
  const fireNextTimer = () => {
    const timer = clock.timers.shift();
    clock.now = timer.at;
    timer.callback();
    return timer.ms;
  };
  const current = () => FakeSocket.made.at(-1);
  return { live, clock, received, stops, fireNextTimer, current };
}

test("backoff doubles up to a cap, with jitter in the upper half", () => {
  assert.equal(backoffDelay(0, () => 0), 500);
  assert.equal(backoffDelay(0, () => 1), 1000);
  assert.equal(backoffDelay(3, () => 0), 4000);
  assert.equal(backoffDelay(20, () => 1), 30000);
  assert.equal(backoffDelay(20, () => 0), 15000);
});

test("resumes from the last id on every (re)connection", () => {
  const { live, received, fireNextTimer, current } = harness();
  live.start();
  current().emit("open");
  assert.deepEqual(current().sent, [{ type: "resume", last_id: 3 }]);
  current().emit("message", { data: JSON.stringify({ type: "pool", id: 5 }) });
  current().emit("message", { data: JSON.stringify({ type: "pool", id: 4 }) }); // stale
  assert.deepEqual(received.map((m) => m.id), [5]);

  current().emit("close", { code: 1012 }); // service restart
  fireNextTimer();
  current().emit("open");
  assert.deepEqual(current().sent, [{ type: "resume", last_id: 5 }]);
});

test("retries with growing delays on going away, try again later and network errors", () => {
  const { live, fireNextTimer, current } = harness();
  live.start();
  const delays = [];
  for (const code of [1001, 1013, 1006, 1011]) {
    current().emit("open");
    current().emit("close", { code });
    delays.push(fireNextTimer());
  }
  assert.deepEqual(delays, [750, 1500, 3000, 6000]);
  assert.equal(FakeSocket.made.length, 5);
});

test("a connection that stayed open a while starts the backoff over", () => {
  const { live, clock, fireNextTimer, current } = harness();
  live.start();
  current().emit("close", { code: 1006 });
  fireNextTimer();
  current().emit("close", { code: 1006 });
  assert.equal(fireNextTimer(), 1500);
  current().emit("open");
  clock.now += 60000;
  current().emit("close", { code: 1001 });
  assert.equal(fireNextTimer(), 750);
});

test("stops for good on the final codes", () => {
  for (const code of [4403, 4404]) {
    const { live, clock, stops } = harness();
    live.start();
    FakeSocket.made.at(-1).emit("close", { code });
    assert.deepEqual(stops, [code]);
    assert.equal(clock.timers.length, 0);
    assert.equal(FakeSocket.made.length, 1);
  }
});

test("reconnectNow skips the wait; stop ends everything", () => {
  const { live, clock, current } = harness();
  live.start();
  current().emit("close", { code: 1013 });
  assert.equal(clock.timers.length, 1);
  live.reconnectNow();
  assert.equal(clock.timers.length, 0);
  assert.equal(FakeSocket.made.length, 2);
  live.stop();
  assert.equal(clock.timers.length, 0);
  assert.equal(FakeSocket.made.length, 2);
});

test("gap-free mode asks again for what follows the last id instead of skipping", () => {
  FakeSocket.made = [];
  const received = [];
  const live = new LiveSocket({
    url: "ws://hub/ws/gaf/chat/1/",
    lastId: 3,
    closeCodes: CLOSE_CODES,
    onMessage: (message) => received.push(message),
    WebSocketImpl: FakeSocket,
    gapFree: true,
    resumeFrame: (lastId) => ({ type: "resume", after: lastId }),
    now: () => 0,
  });
  live.start();
  const socket = FakeSocket.made[0];
  socket.readyState = 1;
  socket.emit("open");
  assert.deepEqual(socket.sent, [{ type: "resume", after: 3 }]);
  socket.emit("message", { data: JSON.stringify({ type: "event", id: 4 }) });
  socket.emit("message", { data: JSON.stringify({ type: "event", id: 6 }) }); // 5 was lost
  socket.emit("message", { data: JSON.stringify({ type: "event", id: 7 }) }); // asked once
  assert.deepEqual(socket.sent.slice(1), [{ type: "resume", after: 4 }]);
  for (const id of [5, 6, 7, 6]) socket.emit("message", { data: JSON.stringify({ id }) });
  socket.emit("message", { data: JSON.stringify({ type: "ack" }) });
  assert.deepEqual(
    received.map((m) => m.id ?? m.type),
    [4, 5, 6, 7, "ack"],
  );
  assert.equal(live.lastId, 7);
  assert.equal(live.send({ type: "ping" }), true);
  socket.readyState = 3;
  assert.equal(live.send({ type: "ping" }), false);
});
