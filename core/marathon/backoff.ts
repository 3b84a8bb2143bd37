/**
 * Launch backoff (`core/launchqueue/impl/RateLimiter.scala`, `NotifyRateLimiterStepImpl.scala`, docs/backoff.md):
 * after a task of an app configuration fails or finishes, new launches of it wait `backoffSeconds`, then that
 * delay times `backoffFactor` after each further failure, capped at `maxLaunchDelaySeconds`. Killed tasks do not
 * count. The delay is dropped when a new configuration is deployed, on `DELETE /v2/queue/{id}/delay`, and once
 * `maxLaunchDelaySeconds` have passed since it was last set. All times are milliseconds from a `Clock`.
 */
import type { AppDefinition } from '../protocol/marathon/appDefinition.js';
import type { TaskState } from '../protocol/mesos/v1.js';

/** LaunchDelay is the backoff of one app configuration: since when, for how long, and the cap. */
export interface LaunchDelay {
  /** referenceTime is when the delay was last set or advanced (ms since the epoch). */
  referenceTime: number;
  /** currentDelayMs is the current wait, in milliseconds (fractions kept, as Marathon counts nanoseconds). */
  currentDelayMs: number;
  maxLaunchDelayMs: number;
}

type BackoffSettings = Pick<AppDefinition, 'backoffSeconds' | 'backoffFactor' | 'maxLaunchDelaySeconds'>;

/** initialDelay is the first delay after a failure: `backoffSeconds`, never above the cap (`Delay.apply`). */
export function initialDelay(app: BackoffSettings, now: number): LaunchDelay {
  const max = app.maxLaunchDelaySeconds * 1000;
  return { referenceTime: now, currentDelayMs: Math.min(app.backoffSeconds * 1000, max), maxLaunchDelayMs: max };
}

/** increasedDelay multiplies the delay by `backoffFactor`, capped at `maxLaunchDelaySeconds` (`Delay.increased`). */
export function increasedDelay(delay: LaunchDelay, app: BackoffSettings, now: number): LaunchDelay {
  const timesFactor = Math.floor(delay.currentDelayMs * 1_000_000 * app.backoffFactor) / 1_000_000;
  const max = app.maxLaunchDelaySeconds * 1000;
  return { referenceTime: now, currentDelayMs: Math.min(max, timesFactor), maxLaunchDelayMs: max };
}

/** addDelay is `RateLimiter.addDelay`: start a delay, or increase the existing one. */
export function addDelay(existing: LaunchDelay | undefined, app: BackoffSettings, now: number): LaunchDelay {
  return existing === undefined ? initialDelay(app, now) : increasedDelay(existing, app, now);
}

/** advanceDelay restarts the current delay from `now` without growing it (a task of the app is making progress). */
export function advanceDelay(delay: LaunchDelay, now: number): LaunchDelay {
  return { ...delay, referenceTime: now };
}

/** delayDeadline is when launches may resume. */
export function delayDeadline(delay: LaunchDelay): number {
  return delay.referenceTime + delay.currentDelayMs;
}

/** isDelayOverdue says whether the delay should be forgotten: `maxLaunchDelaySeconds` passed since it was set. */
export function isDelayOverdue(delay: LaunchDelay, now: number): boolean {
  return now > delay.referenceTime + delay.maxLaunchDelayMs;
}

/** isBackedOff says whether launches must still wait at `now`. */
export function isBackedOff(delay: LaunchDelay | undefined, now: number): boolean {
  return delay !== undefined && now < delayDeadline(delay);
}

/**
 * queueDelay is the `delay` object of `/v2/queue`: whole seconds left (truncated, never negative) and
 * `overdue` once that count went below zero or there is no delay (`QueuedInstanceInfo.queueDelay`).
 */
export function queueDelay(delay: LaunchDelay | undefined, now: number): { timeLeftSeconds: number; overdue: boolean } {
  if (delay === undefined) return { timeLeftSeconds: 0, overdue: true };
  const seconds = Math.trunc((delayDeadline(delay) - now) / 1000);
  return { timeLeftSeconds: Math.max(0, seconds), overdue: seconds < 0 };
}

/**
 * delaySecondsAfter is the delay after `failures` consecutive failures, in seconds:
 * `min(backoffSeconds * backoffFactor^(failures-1), maxLaunchDelaySeconds)`, 0 before any failure.
 */
export function delaySecondsAfter(app: BackoffSettings, failures: number): number {
  if (failures <= 0) return 0;
  let delay = initialDelay(app, 0);
  for (let i = 1; i < failures; i++) delay = increasedDelay(delay, app, 0);
  return delay.currentDelayMs / 1000;
}

/** DelayEffect is what a status update does to the app's delay. */
export type DelayEffect = 'increase' | 'advance' | 'reset' | 'none';

/**
 * delayEffect says what a task's new state does to the delay (`NotifyRateLimiterStep`): failures, errors,
 * drops, gone and finished tasks increase it; staging, starting and running advance it; a kill or operator
 * removal caused by agent draining resets it; anything else (a plain kill) leaves it.
 */
export function delayEffect(state: TaskState, reason?: string): DelayEffect {
  if ((state === 'TASK_KILLED' || state === 'TASK_GONE_BY_OPERATOR') && reason === 'REASON_SLAVE_DRAINING') return 'reset';
  switch (state) {
    case 'TASK_FAILED':
    case 'TASK_ERROR':
    case 'TASK_DROPPED':
    case 'TASK_GONE':
    case 'TASK_FINISHED':
      return 'increase';
    case 'TASK_STAGING':
    case 'TASK_STARTING':
    case 'TASK_RUNNING':
      return 'advance';
    default:
      return 'none';
  }
}
