/**
 * Error classes with a stable `name`, checkable across duplicate copies of this package through
 * `static isInstance` (instanceof fails when two copies are loaded).
 */
const MARKER = Symbol.for('parvus.error');

export class ParvusError extends Error {
  readonly [MARKER] = true;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }

  static isInstance(value: unknown): value is ParvusError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true
      && (this === ParvusError || (value as Error).name === this.name);
  }
}

/** A kernel is missing or failed on a backend. */
export class KernelError extends ParvusError {
  constructor(
    readonly kernelName: string,
    readonly backendName: string,
    message: string,
  ) {
    super(message);
  }
}

/** Backend registration, initialisation or selection failed. */
export class BackendError extends ParvusError {}

/** Shapes that do not fit together. */
export class ShapeError extends ParvusError {}

/** A dtype an operation does not accept. */
export class DTypeError extends ParvusError {}

/** An invalid argument value (NaN where not allowed, a bad option, a bad bit width...). */
export class ValueError extends ParvusError {}

/** Autograd misuse: backward through a freed graph, on a tensor without gradient, ... */
export class AutogradError extends ParvusError {}

/** Use of a tensor after `dispose()`. */
export class DisposedError extends ParvusError {}
