/**
 * What a quantizer attribute can be declared as. Plain values are constants; the three wrappers
 * below are the counterparts of the `dependencies` injector that Brevitas builds on: an injectable
 * class (built with its dependencies), a computed attribute (`@value`) and a link (`this.x`).
 */

/** Marks a dependency with no default: it must be resolvable, or building fails. */
export const REQUIRED: unique symbol = Symbol('required');

/** Dependencies by attribute name, each with its default (or REQUIRED). */
export type DependencySpec = Readonly<Record<string, unknown>>;

/**
 * A building block the injector can construct: a class taking one options object keyed by
 * attribute names, with a static `dependencies` listing them and their defaults (no decorator
 * metadata needed).
 */
export interface Injectable<T = unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each block types its own options
  new (deps: any): T;
  readonly dependencies: DependencySpec;
  readonly name: string;
}

export function isInjectable(value: unknown): value is Injectable {
  return typeof value === 'function' && typeof (value as { dependencies?: unknown }).dependencies === 'object'
    && (value as { dependencies?: unknown }).dependencies !== null;
}

/** A computed attribute (Brevitas's `@value`): `fn` runs on the resolved parameters. */
export class Computed<T = unknown> {
  /** `Fragment.attribute`, as Python prints the function's qualified name in errors. */
  qualifiedName = '';

  constructor(
    readonly params: DependencySpec,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parameters are typed by the caller
    readonly fn: (deps: any) => T,
  ) {}
}

/** A link to another attribute (Brevitas's `this.name`). */
export class Link {
  constructor(readonly target: string) {}
}

/**
 * A computed attribute. `params` maps each parameter to its default (or REQUIRED); a missing
 * required one raises the TypeError Python would.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each computed attribute types its own parameters
export function computed<T>(params: DependencySpec, fn: (deps: any) => T): Computed<T> {
  return new Computed(params, fn);
}

/** The value of another attribute. */
export function link(target: string): Link {
  return new Link(target);
}

/** Attribute names ending in `Class` hold classes that are passed on, not built (as in `dependencies`). */
export function isClassAttribute(name: string): boolean {
  return name.endsWith('Class');
}
