import type { DemoLiveTraffic, LiveFlow } from '@bulkhead/demo';
import { instantFromRfc3339 } from '@bulkhead/flows';
import { EventEmitter } from 'node:events';

/** How long the simulated Hubble keeps flows: a collector back after longer than this finds a gap, as with a real ring buffer. */
export const SIMULATED_HISTORY_MS = 3_600_000;
/** New flows are generated this often when the stream has caught up with the clock. */
const TICK_MS = 500;
/** The most simulated time generated at once while catching up, so that a long backlog never sits in memory. */
const CATCH_UP_MS = 10_000;

/**
 * The simulated cluster's own Hubble: the demo's live traffic streamed as decoded `GetFlowsResponse`
 * messages (what Hubble Relay's `GetFlows` with `follow` sends), from `fromMs` on, as the clock moves.
 * Behind the clock, it catches up a few seconds of traffic at a time. Paused, it generates nothing more
 * (backpressure); cancelled, it stops. Its flows depend only on the traffic and the window, so a stream
 * opened again from a checkpoint sends the same flows after it.
 */
export class SimulatedFlowStream extends EventEmitter {
  private positionMs: number;
  private waiting: LiveFlow[] = [];
  private next = 0;
  private paused = false;
  private cancelled = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly traffic: DemoLiveTraffic,
    fromMs: number,
    private readonly clock: () => Date,
  ) {
    super();
    this.positionMs = fromMs;
    this.schedule(0, () => this.emit('metadata', {}));
  }

  isPaused(): boolean {
    return this.paused;
  }

  pause(): this {
    this.paused = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    return this;
  }

  resume(): this {
    if (this.paused && !this.cancelled) {
      this.paused = false;
      this.schedule(0);
    }
    return this;
  }

  cancel(): void {
    this.cancelled = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number, first?: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      first?.();
      this.pump();
    }, ms);
  }

  private pump(): void {
    if (this.paused || this.cancelled) return;
    const now = this.clock().getTime();
    if (this.next >= this.waiting.length) {
      const to = Math.min(now, this.positionMs + CATCH_UP_MS);
      this.waiting = to > this.positionMs ? this.traffic.between(this.positionMs, to) : [];
      this.next = 0;
      this.positionMs = Math.max(this.positionMs, to);
    }
    for (; this.next < this.waiting.length && !this.paused && !this.cancelled; this.next++) {
      const flow = this.waiting[this.next];
      if (flow) this.emit('data', wireResponse(flow));
    }
    if (this.paused || this.cancelled) return;
    this.schedule(now - this.positionMs > TICK_MS ? 0 : TICK_MS);
  }
}

/** An exporter line as it comes off the wire: times as Timestamp messages, `is_reply` as a BoolValue. */
function wireResponse({ line }: LiveFlow): { flow: Record<string, unknown>; node_name: string; time: unknown } {
  const time = instantFromRfc3339(line.time);
  const isReply = line.flow.is_reply;
  return {
    flow: { ...line.flow, time, is_reply: typeof isReply === 'boolean' ? { value: isReply } : undefined },
    node_name: line.node_name,
    time,
  };
}
