export { Injector, QuantizerBuild } from './injector.js';
export { REQUIRED, Computed, Link, computed, link, isInjectable } from './declarations.js';
export type { DependencySpec, Injectable } from './declarations.js';

import { Injector } from './injector.js';

/** A fragment: a named, reusable set of attribute declarations (an ExtendedInjector subclass). */
export function fragment(name: string, declarations: Readonly<Record<string, unknown>>, ...bases: Injector[]): Injector {
  return Injector.compose(name, bases, declarations);
}

/**
 * A quantizer composed from fragments, leftmost winning, as Brevitas writes
 * `class Int8ActPerTensorFloat(IntQuant, ParamFromRuntimePercentileScaling, ..., ActQuantSolver)`.
 */
export function quantizer(name: string, ...parts: Array<Injector | Readonly<Record<string, unknown>>>): Injector {
  const bases = parts.filter((p): p is Injector => p instanceof Injector);
  const own = parts.filter((p) => !(p instanceof Injector)) as Array<Readonly<Record<string, unknown>>>;
  return Injector.compose(name, bases, Object.assign({}, ...own));
}
