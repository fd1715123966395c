import 'reflect-metadata';
import type { DependencyContainer } from 'tsyringe';
import { container as rootContainer, instancePerContainerCachingFactory } from 'tsyringe';
import { ConfigurationError, DependencyError } from '../errors/errors.js';
import type { Injectable } from './declarations.js';
import { Computed, Link, REQUIRED, isClassAttribute, isInjectable } from './declarations.js';

/** Resolution state of one build: memoised values live in its container; this tracks the rest. */
interface BuildState {
  injector: Injector;
  /** Attributes being resolved, outermost first (the build trail). */
  trail: string[];
  /** Every attribute resolved in this build (to find options nobody used). */
  consumed: Set<string>;
}

const builds = new WeakMap<DependencyContainer, BuildState>();
const quantizerRoot = rootContainer.createChildContainer();

/**
 * A quantizer (Brevitas's ExtendedInjector): a named set of attribute declarations composed from
 * fragments, leftmost winning. Each injector owns a tsyringe child container in which every
 * attribute name is a token; `let` makes a child container holding the overrides, so lookups fall
 * back to the original. A build resolves attributes lazily in a fresh child container, memoising
 * each one there (one build, one learned scale).
 */
export class Injector {
  private readonly container: DependencyContainer;
  private readonly own: ReadonlyMap<string, unknown>;

  private constructor(
    readonly name: string,
    declarations: ReadonlyMap<string, unknown>,
    readonly parent: Injector | null,
  ) {
    this.own = declarations;
    this.container = (parent?.container ?? quantizerRoot).createChildContainer();
    for (const [attribute, declaration] of declarations) {
      if (declaration instanceof Computed && declaration.qualifiedName === '') {
        declaration.qualifiedName = `${name}.${attribute}`;
      }
      this.container.register(attribute, {
        useFactory: instancePerContainerCachingFactory((build) => resolveDeclaration(build, attribute, declaration)),
      });
    }
  }

  /** A fragment or quantizer from parts (leftmost wins) and its own declarations (which win over all). */
  static compose(name: string, parts: ReadonlyArray<Injector>, declarations: Readonly<Record<string, unknown>> = {}): Injector {
    const merged = new Map<string, unknown>();
    for (let i = parts.length - 1; i >= 0; i--) {
      for (const [key, value] of (parts[i] as Injector).entries()) merged.set(key, value);
    }
    for (const [key, value] of Object.entries(declarations)) merged.set(key, value);
    return new Injector(name, merged, null);
  }

  /** A copy with some attributes overridden (Brevitas's `.let`). Keeps the name. */
  let(overrides: Readonly<Record<string, unknown>>): Injector {
    return new Injector(this.name, new Map(Object.entries(overrides)), this);
  }

  /** Whether the attribute is declared (here or in what this was `let` from). */
  has(attribute: string): boolean {
    return this.own.has(attribute) || (this.parent?.has(attribute) ?? false);
  }

  /** Every declared attribute name. */
  keys(): string[] {
    return [...new Set([...(this.parent?.keys() ?? []), ...this.own.keys()])];
  }

  /** Every declaration, overrides applied. */
  entries(): Map<string, unknown> {
    const map = this.parent ? this.parent.entries() : new Map<string, unknown>();
    for (const [key, value] of this.own) map.set(key, value);
    return map;
  }

  /** The declarations made by this injector's last `let` (empty for a composed one). */
  overrides(): ReadonlyMap<string, unknown> {
    return this.parent ? this.own : new Map();
  }

  /** Resolve one attribute in a fresh build. */
  get(attribute: string): unknown {
    return this.build().get(attribute);
  }

  /** A build: resolves attributes on demand and memoises them for its lifetime. */
  build(): QuantizerBuild {
    return new QuantizerBuild(this, this.container.createChildContainer());
  }

  toString(): string {
    return this.name;
  }
}

/** One build of a quantizer (one set of built modules). */
export class QuantizerBuild {
  private readonly state: BuildState;

  constructor(
    readonly injector: Injector,
    private readonly container: DependencyContainer,
  ) {
    this.state = { injector, trail: [], consumed: new Set() };
    builds.set(container, this.state);
  }

  has(attribute: string): boolean {
    return this.container.isRegistered(attribute, true);
  }

  /** The attribute's value (built on first use, then memoised). */
  get<T = unknown>(attribute: string): T {
    return resolveAttribute(this.container, attribute, null) as T;
  }

  /** The attribute's value, or `fallback` when it is not declared. */
  getOr<T>(attribute: string, fallback: T): T {
    return this.has(attribute) ? this.get<T>(attribute) : fallback;
  }

  /** Attributes resolved so far. */
  consumed(): ReadonlySet<string> {
    return this.state.consumed;
  }
}

function stateOf(build: DependencyContainer): BuildState {
  const state = builds.get(build);
  if (!state) throw new ConfigurationError('Quantizer attributes can only be resolved inside a build.');
  return state;
}

/**
 * Resolve `attribute` in a build. `building` is the attribute whose construction needs it (for
 * Brevitas's "while building" message), or null for a top-level or linked lookup.
 */
function resolveAttribute(build: DependencyContainer, attribute: string, building: string | null): unknown {
  const state = stateOf(build);
  if (!build.isRegistered(attribute, true)) {
    const where = building === null ? '' : ` while building '${building}'`;
    throw new DependencyError(
      `'${state.injector.name}' can not resolve attribute '${attribute}'${where}`,
      state.injector.name,
      attribute,
      [...state.trail, attribute],
    );
  }
  if (state.trail.includes(attribute)) {
    const cycle = [...state.trail.slice(state.trail.indexOf(attribute)), attribute];
    throw new DependencyError(
      `'${state.injector.name}' has a circular dependency: ${cycle.join(' -> ')}`,
      state.injector.name,
      attribute,
      [...state.trail, attribute],
    );
  }
  state.trail.push(attribute);
  try {
    state.consumed.add(attribute);
    return build.resolve(attribute);
  } finally {
    state.trail.pop();
  }
}

function resolveDeclaration(build: DependencyContainer, attribute: string, declaration: unknown): unknown {
  if (declaration instanceof Link) return resolveAttribute(build, declaration.target, null);
  if (declaration instanceof Computed) {
    const result = callComputed(build, declaration);
    return materialize(build, attribute, result);
  }
  return materialize(build, attribute, declaration);
}

/** What a declaration yields: injectables are built, links followed, everything else returned. */
function materialize(build: DependencyContainer, attribute: string, value: unknown): unknown {
  if (value instanceof Link) return resolveAttribute(build, value.target, null);
  if (isInjectable(value) && !isClassAttribute(attribute)) return instantiate(build, attribute, value);
  return value;
}

function instantiate(build: DependencyContainer, attribute: string, cls: Injectable): unknown {
  const deps: Record<string, unknown> = {};
  for (const [dependency, fallback] of Object.entries(cls.dependencies)) {
    if (build.isRegistered(dependency, true)) {
      deps[dependency] = resolveAttribute(build, dependency, attribute);
    } else if (fallback === REQUIRED) {
      resolveAttribute(build, dependency, attribute);
    } else {
      deps[dependency] = fallback;
    }
  }
  return new cls(deps);
}

function callComputed(build: DependencyContainer, declaration: Computed): unknown {
  const deps: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [param, fallback] of Object.entries(declaration.params)) {
    if (build.isRegistered(param, true)) deps[param] = resolveAttribute(build, param, null);
    else if (fallback === REQUIRED) missing.push(param);
    else deps[param] = fallback;
  }
  if (missing.length > 0) {
    // The TypeError Python raises when `@value` functions miss positional arguments.
    const names = missing.map((m) => `'${m}'`);
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    throw new ConfigurationError(
      `${declaration.qualifiedName}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`,
      { brevitasType: 'TypeError' },
    );
  }
  return declaration.fn(deps);
}
