import { CoreError } from '../common/errors.js';
import type { Termination } from './containerizer.js';

/** Deferred is a promise with its settle functions, for a container's `done` that many `wait()`s share. */
export type Deferred<T> = { promise: Promise<T>; resolve: (value: T) => void; reject: (err: unknown) => void };

/**
 * deferred makes a `Deferred` whose rejection is never unhandled: a failed launch rejects `done` even
 * when nobody waits on it.
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** unknownContainer is the error every containerizer answers for an id it never had, in the same words. */
export function unknownContainer(containerId: string): CoreError {
  return new CoreError('NOT_FOUND', `Unknown container '${containerId}'`);
}

/** MAX_REMEMBERED_TERMINATIONS bounds how many ended containers a containerizer still answers `wait()` for. */
export const MAX_REMEMBERED_TERMINATIONS = 1024;

/**
 * TerminationMemory keeps the terminations of recently ended containers, oldest forgotten first, so a
 * late `wait()` (the agent re-watching after a restart) still learns how a container ended without
 * the memory growing for ever.
 */
export class TerminationMemory {
  private readonly ended = new Map<string, Termination>();

  remember(id: string, termination: Termination): void {
    this.ended.set(id, termination);
    if (this.ended.size > MAX_REMEMBERED_TERMINATIONS) {
      const oldest = this.ended.keys().next();
      if (!oldest.done) this.ended.delete(oldest.value);
    }
  }

  get(id: string): Termination | undefined {
    return this.ended.get(id);
  }

  has(id: string): boolean {
    return this.ended.has(id);
  }

  clear(): void {
    this.ended.clear();
  }
}
