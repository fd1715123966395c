/**
 * Module: PyTorch's torch.nn.Module, with explicit registration instead of attribute magic.
 *
 * Call convention: a module is called with `module.forward(...inputs)` (there are no forward
 * hooks, so there is no separate `__call__`). Subclasses implement `forward`.
 *
 * Memory: parameters and buffers are kept tensors (they survive `tidy`) owned by the module until
 * `dispose()`. A forward pass only creates ordinary tensors, which the caller's `tidy` frees.
 */
import { engine } from '../engine/engine.js';
import { noGrad } from '../engine/op.js';
import { Tensor } from '../engine/tensor.js';
import { ParvusError, ValueError } from '../errors/errors.js';
import type { DType } from '../kernels/tensor-info.js';
import { zerosLike } from '../ops/creation.js';
import { formatShape, shapesEqual } from '../util/shape.js';

/** A state dict: dotted names (`features.0.weight`) to tensors, in registration order. */
export type StateDict = Map<string, Tensor>;

/** What `loadStateDict` accepts: a Map or a plain object of tensors. */
export type StateDictLike = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

export interface LoadStateDictOptions {
  /** Missing and unexpected keys are errors (default). Shape and dtype mismatches always are. */
  strict?: boolean;
}

/** The keys a non-strict `loadStateDict` did not match (PyTorch's `_IncompatibleKeys`). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** A state-dict entry whose shape or dtype differs from the module's tensor. */
export interface StateDictMismatch {
  key: string;
  expectedShape: readonly number[];
  actualShape: readonly number[];
  expectedDType: DType;
  actualDType: DType;
}

/** A state dict that does not fit a module. Nothing was loaded when this is thrown. */
export class StateDictError extends ParvusError {
  constructor(
    message: string,
    readonly missingKeys: readonly string[],
    readonly unexpectedKeys: readonly string[],
    readonly mismatches: readonly StateDictMismatch[],
  ) {
    super(message);
  }
}

/**
 * Handed to `Module.loadFromStateDict`. Loading is two-phase: every module records what it
 * would copy; only when no key is mismatched (and, if strict, none missing or unexpected) are
 * the copies done, so a failed load changes nothing.
 */
export interface LoadStateDictContext {
  readonly strict: boolean;
  /** The entry for `key`, if present (marking it as used), without scheduling a copy. */
  take(key: string): Tensor | undefined;
  /** Schedule copying the entry `key` into `target`, or record it as missing or mismatched. */
  load(key: string, target: Tensor): void;
  /** Report a key the module expected but did not find. */
  missing(key: string): void;
  /** Run `fn` after every copy has been done (only when the load succeeds). */
  afterLoad(fn: () => void): void;
}

const NAME_PATTERN = /^[^.]+$/;

/**
 * The base class of every layer. Parameters, buffers and child modules are registered by name
 * and kept in insertion order; `stateDict()` walks them as PyTorch does.
 */
export abstract class Module {
  /** Training mode (PyTorch's `training`); set it with `train()` / `eval()`. */
  training = true;
  private readonly _parameters = new Map<string, Tensor | null>();
  private readonly _buffers = new Map<string, Tensor | null>();
  private readonly _nonPersistentBuffers = new Set<string>();
  private readonly _modules = new Map<string, Module | null>();

  /** The computation. Call it directly: `module.forward(x)`. */
  abstract forward(...inputs: unknown[]): unknown;

  // --- registration -------------------------------------------------------------------------

  /**
   * Register a parameter (or `null`, an absent one such as a layer without bias). The module
   * takes ownership: a tensor that is not kept yet is kept and marked `requiresGrad` (a leaf
   * made with `parameter()` keeps its own `requiresGrad`). `dispose()` frees it.
   */
  registerParameter(name: string, param: Tensor): Tensor;
  registerParameter(name: string, param: Tensor | null): Tensor | null;
  registerParameter(name: string, param: Tensor | null): Tensor | null {
    this.checkName(name, 'parameter', this._parameters);
    if (param !== null) {
      if (!(param instanceof Tensor)) throw new ValueError(`registerParameter('${name}'): expected a Tensor or null.`);
      param.throwIfDisposed();
      if (param.dtype !== 'float32') throw new ValueError(`registerParameter('${name}'): a parameter must be float32, got ${param.dtype}.`);
      if (param.gradFn !== null) {
        throw new ValueError(`registerParameter('${name}'): the tensor was computed by the autograd graph; a parameter must be a leaf (detach it first).`);
      }
      if (!param.kept) {
        engine().keep(param);
        param.requiresGrad = true;
      }
    }
    this._parameters.set(name, param);
    return param;
  }

  /**
   * Register a buffer (state that is not trained, e.g. BatchNorm's running mean). Persistent
   * buffers are part of the state dict. The module keeps the tensor and frees it on `dispose()`.
   */
  registerBuffer(name: string, tensor: Tensor, persistent?: boolean): Tensor;
  registerBuffer(name: string, tensor: Tensor | null, persistent?: boolean): Tensor | null;
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): Tensor | null {
    this.checkName(name, 'buffer', this._buffers);
    if (tensor !== null) {
      if (!(tensor instanceof Tensor)) throw new ValueError(`registerBuffer('${name}'): expected a Tensor or null.`);
      tensor.throwIfDisposed();
      if (tensor.gradFn !== null) {
        throw new ValueError(`registerBuffer('${name}'): the tensor was computed by the autograd graph; detach it first.`);
      }
      engine().keep(tensor);
    }
    this._buffers.set(name, tensor);
    if (persistent) this._nonPersistentBuffers.delete(name);
    else this._nonPersistentBuffers.add(name);
    return tensor;
  }

  /** Register a child module (PyTorch's `add_module` / `register_module`). */
  registerModule<M extends Module | null>(name: string, module: M): M {
    this.checkName(name, 'module', this._modules);
    if (module !== null && !(module instanceof Module)) throw new ValueError(`registerModule('${name}'): expected a Module or null.`);
    this._modules.set(name, module);
    return module;
  }

  private checkName(name: string, kind: string, own: Map<string, unknown>): void {
    if (typeof name !== 'string' || name === '' || !NAME_PATTERN.test(name)) {
      throw new ValueError(`${this.getName()}: invalid ${kind} name '${String(name)}': it must be a non-empty string without '.'.`);
    }
    const taken: Array<[string, Map<string, unknown>]> = [
      ['parameter', this._parameters],
      ['buffer', this._buffers],
      ['module', this._modules],
    ];
    for (const [other, map] of taken) {
      if (map !== own && map.has(name)) {
        throw new ValueError(`${this.getName()}: cannot register ${kind} '${name}': a ${other} of that name exists.`);
      }
    }
  }

  // --- access -------------------------------------------------------------------------------

  /** A parameter by dotted path (`features.0.weight`); throws when absent or `null`. */
  getParameter(target: string): Tensor {
    const [owner, name] = this.resolveOwner(target);
    const param = owner._parameters.get(name);
    if (!param) throw new ValueError(`${this.getName()} has no parameter '${target}'${param === null ? ' (it is registered as null)' : ''}.`);
    return param;
  }

  /** A buffer by dotted path; throws when absent or `null`. */
  getBuffer(target: string): Tensor {
    const [owner, name] = this.resolveOwner(target);
    const buffer = owner._buffers.get(name);
    if (!buffer) throw new ValueError(`${this.getName()} has no buffer '${target}'${buffer === null ? ' (it is registered as null)' : ''}.`);
    return buffer;
  }

  /** A submodule by dotted path (`''` is this module). */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    return target.split('.').reduce<Module>((module, part) => {
      const child = module._modules.get(part);
      if (!child) throw new ValueError(`${module.getName()} has no submodule '${part}' (looking up '${target}').`);
      return child;
    }, this);
  }

  private resolveOwner(target: string): [Module, string] {
    const dot = target.lastIndexOf('.');
    if (dot < 0) return [this, target];
    return [this.getSubmodule(target.slice(0, dot)), target.slice(dot + 1)];
  }

  /** This module's own parameter `name` (null when registered as absent); throws when unregistered. */
  protected ownParameter(name: string): Tensor | null {
    const param = this._parameters.get(name);
    if (param === undefined) throw new ValueError(`${this.getName()} has no parameter '${name}'.`);
    return param;
  }

  /** This module's own buffer `name` (null when registered as absent); throws when unregistered. */
  protected ownBuffer(name: string): Tensor | null {
    const buffer = this._buffers.get(name);
    if (buffer === undefined) throw new ValueError(`${this.getName()} has no buffer '${name}'.`);
    return buffer;
  }

  // --- iteration ----------------------------------------------------------------------------

  /** Every parameter (each tensor once), depth first in registration order. */
  parameters(recurse = true): Tensor[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** `[name, parameter]` pairs with dotted names, each tensor once (PyTorch's named_parameters). */
  namedParameters(prefix = '', recurse = true): Array<[string, Tensor]> {
    return this.namedMembers(prefix, recurse, (m) => m._parameters);
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** `[name, buffer]` pairs with dotted names (persistent or not), each tensor once. */
  namedBuffers(prefix = '', recurse = true): Array<[string, Tensor]> {
    return this.namedMembers(prefix, recurse, (m) => m._buffers);
  }

  private namedMembers(prefix: string, recurse: boolean, members: (m: Module) => Map<string, Tensor | null>): Array<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const out: Array<[string, Tensor]> = [];
    const modules: Array<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modulePrefix, module] of modules) {
      for (const [name, tensor] of members(module)) {
        if (tensor === null || seen.has(tensor)) continue;
        seen.add(tensor);
        out.push([modulePrefix === '' ? name : `${modulePrefix}.${name}`, tensor]);
      }
    }
    return out;
  }

  /** Direct children (each once). */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** `[name, child]` pairs of the direct children (each module once). */
  namedChildren(): Array<[string, Module]> {
    const seen = new Set<Module>();
    const out: Array<[string, Module]> = [];
    for (const [name, module] of this._modules) {
      if (module === null || seen.has(module)) continue;
      seen.add(module);
      out.push([name, module]);
    }
    return out;
  }

  /** This module and every descendant, each once, depth first. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** `[name, module]` pairs: this module first (named `prefix`, '' by default), then descendants. */
  namedModules(prefix = ''): Array<[string, Module]> {
    const seen = new Set<Module>();
    const out: Array<[string, Module]> = [];
    const visit = (module: Module, name: string): void => {
      if (seen.has(module)) return;
      seen.add(module);
      out.push([name, module]);
      for (const [childName, child] of module._modules) {
        if (child !== null) visit(child, name === '' ? childName : `${name}.${childName}`);
      }
    };
    visit(this, prefix);
    return out;
  }

  /** Call `fn` on every descendant and then on this module (PyTorch's `apply`). */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // --- modes --------------------------------------------------------------------------------

  /** Set training mode on this module and every descendant. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new ValueError(`train(mode): mode must be true or false, got ${String(mode)}.`);
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Set `requiresGrad` on every parameter (freeze with `false`). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /**
   * Clear the gradients of every parameter. With `setToNone` (the default, as PyTorch ≥ 2.0)
   * they are freed and set to null; otherwise they are replaced by zeros.
   */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (setToNone) {
        p.grad.dispose();
        p.grad = null;
      } else {
        const grad = p.grad;
        noGrad(() => {
          const zeros = zerosLike(grad);
          grad.assign(zeros);
          zeros.dispose();
        });
      }
    }
  }

  // --- state dict ---------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by dotted name, in PyTorch's order (a module's own
   * parameters, then its buffers, then each child's). The values are the module's own tensors,
   * not copies: do not dispose them. Like PyTorch's (which shares storage), they show later
   * updates, since optimizers update parameters in place with `assign`.
   */
  stateDict(prefix = ''): StateDict {
    const destination: StateDict = new Map();
    this.collectStateDict(destination, prefix);
    return destination;
  }

  private collectStateDict(destination: StateDict, prefix: string): void {
    this.saveToStateDict(destination, prefix);
    for (const [name, child] of this._modules) {
      if (child !== null) child.collectStateDict(destination, `${prefix}${name}.`);
    }
  }

  /** Write this module's own entries (PyTorch's `_save_to_state_dict`); override to customise. */
  protected saveToStateDict(destination: StateDict, prefix: string): void {
    for (const [name, param] of this._parameters) {
      if (param !== null) destination.set(prefix + name, param);
    }
    for (const [name, buffer] of this._buffers) {
      if (buffer !== null && !this._nonPersistentBuffers.has(name)) destination.set(prefix + name, buffer);
    }
  }

  /**
   * Read this module's own entries (PyTorch's `_load_from_state_dict`); override to customise.
   * Use `context.load(key, target)` for each tensor the module owns.
   */
  protected loadFromStateDict(prefix: string, context: LoadStateDictContext): void {
    for (const [name, param] of this._parameters) {
      if (param !== null) context.load(prefix + name, param);
    }
    for (const [name, buffer] of this._buffers) {
      if (buffer !== null && !this._nonPersistentBuffers.has(name)) context.load(prefix + name, buffer);
    }
  }

  /**
   * Copy a state dict into this module's tensors (with `assign`: the module never depends on the
   * caller's tensor objects, so disposing them afterwards is safe). Shapes and dtypes must match
   * exactly. With `strict` (default) missing or unexpected keys are errors too; otherwise they
   * are returned. On any error nothing is changed.
   */
  loadStateDict(stateDict: StateDictLike, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const entries: ReadonlyMap<string, Tensor> =
      stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict as Record<string, Tensor>));
    const used = new Set<string>();
    const missingKeys: string[] = [];
    const mismatches: StateDictMismatch[] = [];
    const copies: Array<[Tensor, Tensor]> = [];
    const afterLoad: Array<() => void> = [];
    const context: LoadStateDictContext = {
      strict,
      take: (key) => {
        const value = entries.get(key);
        if (value !== undefined) used.add(key);
        return value;
      },
      load: (key, target) => {
        const source = entries.get(key);
        if (source === undefined) {
          missingKeys.push(key);
          return;
        }
        used.add(key);
        if (!(source instanceof Tensor)) {
          throw new ValueError(`loadStateDict: the entry '${key}' is not a Tensor.`);
        }
        source.throwIfDisposed();
        if (source.dtype !== target.dtype || !shapesEqual(source.shape, target.shape)) {
          mismatches.push({
            key,
            expectedShape: target.shape,
            actualShape: source.shape,
            expectedDType: target.dtype,
            actualDType: source.dtype,
          });
          return;
        }
        copies.push([target, source]);
      },
      missing: (key) => {
        missingKeys.push(key);
      },
      afterLoad: (fn) => {
        afterLoad.push(fn);
      },
    };
    for (const [prefix, module] of this.namedModules()) {
      module.loadFromStateDict(prefix === '' ? '' : `${prefix}.`, context);
    }
    const unexpectedKeys = [...entries.keys()].filter((key) => !used.has(key));
    if (mismatches.length > 0 || (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0))) {
      throw new StateDictError(
        this.loadErrorMessage(strict, missingKeys, unexpectedKeys, mismatches),
        missingKeys,
        unexpectedKeys,
        mismatches,
      );
    }
    noGrad(() => {
      // Storage is immutable, so sharing it with the caller's tensor is a copy in effect.
      for (const [target, source] of copies) target.assign(source);
    });
    for (const fn of afterLoad) fn();
    return { missingKeys, unexpectedKeys };
  }

  private loadErrorMessage(strict: boolean, missing: string[], unexpected: string[], mismatches: StateDictMismatch[]): string {
    const quote = (keys: string[]): string => keys.map((k) => `"${k}"`).join(', ');
    const lines = [`Error(s) in loading state_dict for ${this.getName()}:`];
    if (strict && missing.length > 0) lines.push(`\tMissing key(s) in state_dict: ${quote(missing)}.`);
    if (strict && unexpected.length > 0) lines.push(`\tUnexpected key(s) in state_dict: ${quote(unexpected)}.`);
    for (const m of mismatches) {
      if (!shapesEqual(m.expectedShape, m.actualShape)) {
        const dtypes = m.expectedDType === m.actualDType ? '' : ` The dtypes differ too: ${m.actualDType} in the checkpoint, ${m.expectedDType} in the model.`;
        lines.push(
          `\tsize mismatch for ${m.key}: copying a param with shape ${formatShape(m.actualShape)} from checkpoint, ` +
            `the shape in current model is ${formatShape(m.expectedShape)}.${dtypes}`,
        );
      } else {
        lines.push(`\tdtype mismatch for ${m.key}: copying a ${m.actualDType} tensor from checkpoint, the dtype in current model is ${m.expectedDType}.`);
      }
    }
    return lines.join('\n');
  }

  // --- lifetime -----------------------------------------------------------------------------

  /** Free every parameter and buffer (and their gradients) of this module and its descendants. */
  dispose(): void {
    for (const module of this.modules()) {
      for (const param of module._parameters.values()) param?.dispose();
      for (const buffer of module._buffers.values()) buffer?.dispose();
    }
  }

  // --- repr ---------------------------------------------------------------------------------

  /** The class name shown by `toString()` (PyTorch's `_get_name`). */
  protected getName(): string {
    return this.constructor.name;
  }

  /** The layer's own settings, as PyTorch's `extra_repr` (e.g. `in_features=4, out_features=3, bias=True`). */
  extraRepr(): string {
    return '';
  }

  /** The module tree exactly as PyTorch prints it. */
  toString(): string {
    const extraRepr = this.extraRepr();
    const extraLines = extraRepr ? extraRepr.split('\n') : [];
    const childLines: string[] = [];
    for (const [name, module] of this._modules) {
      childLines.push(`(${name}): ${addIndent(module === null ? 'None' : module.toString(), 2)}`);
    }
    const lines = [...extraLines, ...childLines];
    let main = `${this.getName()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
      else main += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }
}

/** PyTorch's `_addindent`: indent every line but the first. */
function addIndent(text: string, spaces: number): string {
  const lines = text.split('\n');
  if (lines.length === 1) return text;
  const first = lines.shift() as string;
  return `${first}\n${lines.map((line) => ' '.repeat(spaces) + line).join('\n')}`;
}
