/** Disposable is anything that owns a resource (timer, socket, process, server) and must release it. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/** toDisposable turns a cleanup callback into a `Disposable`. */
export function toDisposable(fn: () => void | Promise<void>): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      return fn();
    },
  };
}

/**
 * DisposableStore owns a set of disposables and releases them in reverse order of registration,
 * so later resources (which may depend on earlier ones) go first.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  /** add registers `d`; if the store is already disposed, `d` is disposed at once. */
  add<T extends Disposable>(d: T): T {
    if (this.disposed) {
      void Promise.resolve(d.dispose()).catch(() => undefined);
      return d;
    }
    this.items.push(d);
    return d;
  }

  /** delete disposes `d` now and forgets it. */
  async delete(d: Disposable): Promise<void> {
    const i = this.items.indexOf(d);
    if (i >= 0) this.items.splice(i, 1);
    await d.dispose();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    while (this.items.length > 0) {
      const d = this.items.pop() as Disposable;
      try {
        await d.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'errors while disposing');
  }
}
