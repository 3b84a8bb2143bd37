import type { Disposable } from './lifecycle.js';

/** Emitter is a tiny typed event source whose subscriptions are `Disposable`s, so owners can drop them. */
export class Emitter<T> {
  private readonly listeners = new Set<(event: T) => void>();

  /** on subscribes `fn`; dispose the result to unsubscribe. */
  on(fn: (event: T) => void): Disposable {
    this.listeners.add(fn);
    return { dispose: () => void this.listeners.delete(fn) };
  }

  /** fire delivers `event` to every listener; a throwing listener does not stop the others, and the first error is rethrown after all ran. */
  fire(event: T): void {
    let failure: { err: unknown } | undefined;
    for (const fn of [...this.listeners]) {
      try {
        fn(event);
      } catch (err) {
        failure ??= { err };
      }
    }
    if (failure) throw failure.err;
  }

  get size(): number {
    return this.listeners.size;
  }
}
