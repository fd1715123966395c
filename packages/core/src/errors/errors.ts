/**
 * Error classes with a stable `name`, checkable across duplicate copies of this package through
 * `static isInstance` (instanceof fails when two copies are loaded).
 */
const MARKER = Symbol.for('parvus.error');

export class ParvusError extends Error {
  readonly [MARKER] = true;
  /**
   * The exception type Brevitas raises in the same situation (e.g. 'AssertionError'), where Parvus
   * reproduces a Brevitas error; the golden fixtures compare it.
   */
  readonly brevitasType: string | undefined;

  constructor(message: string, options: { brevitasType?: string; cause?: unknown } = {}) {
    super(message);
    this.name = new.target.name;
    this.brevitasType = options.brevitasType;
    if (options.cause !== undefined) (this as Error & { cause?: unknown }).cause = options.cause;
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

/**
 * A quantizer attribute could not be resolved. The message is Brevitas's (from the `dependencies`
 * injector); `trail` is the chain of attributes being built when it happened, outermost first.
 */
export class DependencyError extends ParvusError {
  constructor(
    message: string,
    readonly quantizer: string,
    readonly attribute: string,
    readonly trail: readonly string[],
  ) {
    super(message, { brevitasType: 'DependencyError' });
  }
}

/** A layer, proxy or quantizer is configured in a way that cannot work. */
export class ConfigurationError extends ParvusError {}

/** A QuantTensor operation that Brevitas refuses (different scales in eval, invalid int(), ...). */
export class QuantTensorError extends ParvusError {}

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
