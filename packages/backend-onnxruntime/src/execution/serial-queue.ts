/**
 * Tasks run one after another, in the order pushed. A task that returns a promise holds the queue
 * until it settles; tasks that return values run at once, in the call that pushed them, so a
 * synchronous runtime (onnxruntime-node's binding) never waits for the event loop.
 */
export class SerialQueue {
  private tasks: Array<() => unknown> = [];
  private head = 0;
  private draining = false;

  /** Whether a task is waiting on a promise, or tasks are queued behind one. */
  get busy(): boolean {
    return this.draining;
  }

  push(task: () => unknown): void {
    this.tasks.push(task);
    if (!this.draining) this.drain();
  }

  private drain(): void {
    this.draining = true;
    while (this.head < this.tasks.length) {
      const task = this.tasks[this.head] as () => unknown;
      this.tasks[this.head++] = noop;
      let result: unknown;
      try {
        result = task();
      } catch {
        // Tasks report their own failures; one that throws must not stop those behind it.
        continue;
      }
      if (isThenable(result)) {
        const next = (): void => this.drain();
        result.then(next, next);
        return;
      }
    }
    this.tasks = [];
    this.head = 0;
    this.draining = false;
  }
}

function noop(): void {}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
