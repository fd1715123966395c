import { engine } from './engine.js';
import type { Tensor } from './tensor.js';

/**
 * Wrap an op so that the temporaries it creates are freed when it returns (tensors the autograd
 * graph saved for backward excepted: they live until the caller's `tidy` ends).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any keeps each op's own signature
export function op<F extends (...args: any[]) => unknown>(name: string, fn: F): F {
  const wrapped = (...args: Parameters<F>): ReturnType<F> => {
    const e = engine();
    e.startScope(name, true);
    let result: ReturnType<F> | undefined;
    try {
      result = fn(...args) as ReturnType<F>;
      return result;
    } finally {
      e.endScope(result);
    }
  };
  Object.defineProperty(wrapped, 'name', { value: name });
  return wrapped as F;
}

/**
 * Run `fn` and free every tensor it created, except those it returns (in arrays or plain objects)
 * and those marked with `keep`. Nested tidies are fine. `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T;
export function tidy<T>(name: string, fn: () => T): T;
export function tidy<T>(nameOrFn: string | (() => T), maybeFn?: () => T): T {
  const name = typeof nameOrFn === 'string' ? nameOrFn : 'tidy';
  const fn = (typeof nameOrFn === 'string' ? maybeFn : nameOrFn) as () => T;
  const e = engine();
  e.startScope(name, false);
  let result: T | undefined;
  try {
    result = fn();
    if (result instanceof Promise) {
      throw new TypeError('tidy() cannot take an async function: tensors would be freed before the promise settles.');
    }
    return result;
  } finally {
    e.endScope(result);
  }
}

/** Exempt a tensor from `tidy` disposal (you dispose it yourself). */
export function keep<T extends Tensor>(tensor: T): T {
  return engine().keep(tensor);
}

/** Run `fn` without recording gradients (PyTorch's `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  return engine().withoutGrad(fn);
}

/**
 * The value every element of `t` has when core knows it without reading `t` back (a tensor made
 * by `full`, `zeros`, `scalar` or from one value); undefined otherwise. See Engine.knownValue.
 */
export function knownValue(t: Tensor): number | undefined {
  return engine().knownValue(t);
}

/**
 * A scalar's value on the host: the known value when there is one, else a synchronous read
 * (which a backend without one refuses with an error that says so).
 */
export function hostScalar(t: Tensor): number {
  return knownValue(t) ?? t.item();
}

/**
 * Wait for the value checks that a backend without synchronous reads defers (see Engine.check),
 * throwing the first failure's error. `data()` settles them too; call this where nothing is read.
 */
export function settleChecks(): Promise<void> {
  return engine().settleChecks();
}
