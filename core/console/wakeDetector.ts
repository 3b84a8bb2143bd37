import type { Clock, TimerHandle } from '../common/clock.js';
import type { Disposable } from '../common/lifecycle.js';

/**
 * WakeDetector notices that the machine slept: a timer that should tick every `periodMs` finds that much more
 * wall time passed. Sockets that were open before a laptop's sleep often look alive afterwards but are dead, so
 * the console re-opens its streams at once instead of waiting for TCP to notice (Lens #983, #4853).
 * Electron's `powerMonitor` 'resume' event feeds the same hook where it exists; this covers the browser host.
 */
export class WakeDetector implements Disposable {
  private last: number;
  private readonly timer: TimerHandle;

  constructor(
    private readonly clock: Clock,
    private readonly onWake: (sleptMs: number) => void,
    private readonly periodMs = 2000,
    private readonly slackMs = 10_000,
  ) {
    this.last = clock.now();
    this.timer = clock.setInterval(() => this.tick(), periodMs);
  }

  private tick(): void {
    const now = this.clock.now();
    const gap = now - this.last;
    this.last = now;
    if (gap > this.periodMs + this.slackMs) this.onWake(gap);
  }

  dispose(): void {
    this.timer.cancel();
  }
}
