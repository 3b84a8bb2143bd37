import type { SchedulerDriver, SchedulerHandlers } from '../framework/schedulerDriver.js';
import type { Master } from '../master/master.js';
import type { SchedulerCall, SchedulerEvent } from '../protocol/mesos/scheduler.js';
import type { FrameworkInfo } from '../protocol/mesos/v1.js';

/**
 * LocalSchedulerDriver connects a framework embedded beside the master (the demo's Marathon) by
 * direct calls, with exactly the semantics of the HTTP API: the same `Master.subscribe` and
 * `Master.schedulerCall` the HTTP handlers use, so embedded and remote frameworks cannot drift apart.
 */
export class LocalSchedulerDriver implements SchedulerDriver {
  frameworkId: string | undefined;
  private streamId: string | undefined;
  private closed = true;
  private seq = 0;

  constructor(private readonly master: Master) {}

  get connected(): boolean {
    return !this.closed;
  }

  start(info: FrameworkInfo, handlers: SchedulerHandlers): void {
    const streamId = `local-${++this.seq}`;
    const sink = {
      closed: false,
      send: (e: SchedulerEvent) => {
        if (e.type === 'SUBSCRIBED') this.frameworkId = e.subscribed.framework_id.value;
        // Deliver asynchronously, as a network would, so the master never re-enters itself.
        queueMicrotask(() => handlers.onEvent(e));
      },
      close: () => {
        sink.closed = true;
        this.closed = true;
        handlers.onDisconnected('subscription closed by the master');
      },
    };
    this.streamId = streamId;
    this.closed = false;
    this.master.subscribe({ type: 'SUBSCRIBE', subscribe: { framework_info: info } }, sink, streamId).catch((err: Error) => {
      this.closed = true;
      handlers.onDisconnected(err.message);
    });
  }

  async call(call: Omit<SchedulerCall, 'framework_id'>): Promise<void> {
    if (this.closed || !this.frameworkId) throw new Error('not subscribed');
    await this.master.schedulerCall({ ...call, framework_id: { value: this.frameworkId } } as SchedulerCall, this.streamId);
  }

  async dispose(): Promise<void> {
    if (this.frameworkId && this.streamId && !this.closed) {
      this.closed = true;
      this.master.frameworkStreamClosed(this.frameworkId, this.streamId);
    }
  }
}
