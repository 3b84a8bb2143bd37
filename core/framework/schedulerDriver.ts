import type { SchedulerCall, SchedulerEvent } from '../protocol/mesos/scheduler.js';
import type { FrameworkInfo } from '../protocol/mesos/v1.js';

/** SchedulerHandlers receive what a subscription brings: events, and the news that it dropped. */
export interface SchedulerHandlers {
  onEvent(event: SchedulerEvent): void;
  /** onDisconnected fires when the subscription ends; the driver re-subscribes by itself after a backoff. */
  onDisconnected(reason: string): void;
}

/**
 * SchedulerDriver is how a framework inside Plateau (Marathon, the job scheduler) talks to a master:
 * through the public v1 scheduler API, over HTTP when the framework runs alone and by direct calls
 * when it is embedded beside the master. Either way it re-subscribes with the framework id after a
 * disconnection, as the Mesos scheduler library does.
 */
export interface SchedulerDriver {
  /** start subscribes with `info` (carrying `id` when failing over) and keeps the subscription alive. */
  start(info: FrameworkInfo, handlers: SchedulerHandlers): void;
  /** call sends one call on the live subscription (framework id and stream id are added). */
  call(call: Omit<SchedulerCall, 'framework_id'>): Promise<void>;
  /** frameworkId is known once SUBSCRIBED arrived. */
  readonly frameworkId: string | undefined;
  readonly connected: boolean;
  dispose(): Promise<void>;
}
