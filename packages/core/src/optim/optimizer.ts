/**
 * Optimizer base class (torch.optim.Optimizer): parameter groups with their own hyperparameters,
 * per-parameter state, `zeroGrad()` and `step()`. Updates run under `noGrad` inside a `tidy` and
 * write parameters and state with `assign`, so a step leaves no new live tensors behind.
 */
import { engine } from '../engine/engine.js';
import { noGrad, tidy } from '../engine/op.js';
import { Tensor } from '../engine/tensor.js';
import { ValueError } from '../errors/errors.js';
import { zerosLike } from '../ops/creation.js';
import { detach } from '../ops/selection.js';
import { checkOptionKeys } from '../util/options.js';
import { formatShape, shapesEqual } from '../util/shape.js';

/** The hyperparameters every optimizer has. */
export interface BaseOptimizerOptions {
  lr: number;
}

/** A parameter group: its tensors and hyperparameters (which schedulers may change). */
export type ParamGroup<O extends BaseOptimizerOptions> = O & {
  params: Tensor[];
  /** Set by the first LR scheduler attached (PyTorch's `initial_lr`). */
  initialLr?: number;
};

/** A group as passed to a constructor: its params, and any hyperparameters that differ from the defaults. */
export type ParamGroupInput<O extends BaseOptimizerOptions> = Partial<O> & { params: Iterable<Tensor> };

/** The parameters an optimizer takes: tensors, or groups of them. */
export type OptimizerParams<O extends BaseOptimizerOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** Per-parameter state: tensors (owned by the optimizer) and numbers (e.g. the step count). */
export type ParamState = Record<string, Tensor | number>;

/** An optimizer's state as PyTorch lays it out: params numbered in group order. */
export interface OptimizerStateDict {
  state: Map<number, ParamState>;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
}

export abstract class Optimizer<O extends BaseOptimizerOptions = BaseOptimizerOptions> {
  readonly defaults: Readonly<O>;
  readonly paramGroups: Array<ParamGroup<O>> = [];
  /** State per parameter, created lazily by `step()`. */
  readonly state = new Map<Tensor, ParamState>();
  /** The class name, for messages. */
  protected readonly what: string;

  protected constructor(what: string, params: OptimizerParams<O>, defaults: O) {
    this.what = what;
    this.defaults = Object.freeze({ ...defaults });
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new ValueError(`${what}: got an empty parameter list.`);
    if (list.every((p) => p instanceof Tensor)) {
      this.addParamGroup({ params: list as Tensor[] } as unknown as ParamGroupInput<O>);
    } else if (list.every((p) => !(p instanceof Tensor) && typeof p === 'object' && p !== null)) {
      for (const group of list as Array<ParamGroupInput<O>>) this.addParamGroup(group);
    } else {
      throw new ValueError(`${what}: params must be all tensors or all parameter groups ({ params, ...options }).`);
    }
  }

  /** Validate one group's hyperparameters (names and values); throws ValueError. */
  protected abstract checkOptions(options: O): void;

  /** Update the parameters of one group (called under noGrad inside a tidy). */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** Add a group; missing hyperparameters take the defaults. */
  addParamGroup(input: ParamGroupInput<O>): void {
    if (input === null || typeof input !== 'object' || !('params' in input)) {
      throw new ValueError(`${this.what}: a parameter group must be an object with 'params'.`);
    }
    const { params, ...rest } = input;
    checkOptionKeys(`${this.what} parameter group`, rest, [...Object.keys(this.defaults), 'initialLr']);
    const tensors = params instanceof Tensor ? [params] : [...params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    const own = new Set<Tensor>();
    for (const p of tensors) {
      if (!(p instanceof Tensor)) throw new ValueError(`${this.what}: every parameter must be a Tensor.`);
      p.throwIfDisposed();
      if (p.dtype !== 'float32') throw new ValueError(`${this.what}: can only optimize float32 tensors, got ${p.dtype}.`);
      if (p.gradFn !== null) throw new ValueError(`${this.what}: can't optimize a non-leaf Tensor.`);
      if (seen.has(p) || own.has(p)) throw new ValueError(`${this.what}: some parameters appear in more than one parameter group.`);
      own.add(p);
    }
    const group = { ...this.defaults, ...rest, params: [...own] } as ParamGroup<O>;
    this.checkOptions(group);
    this.paramGroups.push(group);
  }

  /**
   * Clear the gradients of every parameter: freed and set to null (`setToNone`, the default as
   * in PyTorch ≥ 2.0), or replaced by zeros.
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (!grad) continue;
        if (setToNone) {
          grad.dispose();
          p.grad = null;
        } else {
          noGrad(() => {
            const zeros = zerosLike(grad);
            grad.assign(zeros);
            zeros.dispose();
          });
        }
      }
    }
  }

  /** One optimization step over every parameter that has a gradient. */
  step(): void {
    noGrad(() =>
      tidy(`${this.what}.step`, () => {
        for (const group of this.paramGroups) {
          this.checkOptions(group);
          this.updateGroup(group);
        }
      }));
  }

  /** Set state `name` of `param` to `value`: a kept tensor the optimizer owns. */
  protected setState(param: Tensor, name: string, value: Tensor | number): void {
    let state = this.state.get(param);
    if (!state) {
      state = {};
      this.state.set(param, state);
    }
    const previous = state[name];
    if (value instanceof Tensor) {
      if (previous instanceof Tensor) {
        previous.assign(value);
        return;
      }
      state[name] = engine().keep(detach(value));
    } else {
      state[name] = value;
    }
  }

  /**
   * State and hyperparameters, PyTorch's layout: parameters numbered across groups in order.
   * State tensors are the optimizer's own (do not dispose them).
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...options } = group;
      return {
        ...options,
        params: params.map((p) => {
          if (!index.has(p)) index.set(p, index.size);
          return index.get(p) as number;
        }),
      };
    });
    const state = new Map<number, ParamState>();
    for (const [param, paramState] of this.state) {
      const i = index.get(param);
      if (i !== undefined) state.set(i, { ...paramState });
    }
    return { state, paramGroups };
  }

  /** Load a `stateDict()`: hyperparameters and state (tensors are copied, shapes checked). */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const groups = stateDict.paramGroups;
    if (groups.length !== this.paramGroups.length) {
      throw new ValueError(`${this.what}.loadStateDict: loaded state dict has ${groups.length} parameter groups, the optimizer has ${this.paramGroups.length}.`);
    }
    const byIndex = new Map<number, Tensor>();
    groups.forEach((saved, g) => {
      const group = this.paramGroups[g] as ParamGroup<O>;
      if (saved.params.length !== group.params.length) {
        throw new ValueError(`${this.what}.loadStateDict: parameter group ${g} has ${saved.params.length} parameters in the state dict and ${group.params.length} in the optimizer.`);
      }
      saved.params.forEach((id, i) => byIndex.set(id, group.params[i] as Tensor));
    });
    for (const [id, paramState] of stateDict.state) {
      const param = byIndex.get(id);
      if (!param) throw new ValueError(`${this.what}.loadStateDict: state for parameter ${id}, which no group lists.`);
      for (const [name, value] of Object.entries(paramState)) {
        if (value instanceof Tensor && !shapesEqual(value.shape, param.shape) && value.size !== 1) {
          throw new ValueError(`${this.what}.loadStateDict: state '${name}' of parameter ${id} has shape ${formatShape(value.shape)}, the parameter ${formatShape(param.shape)}.`);
        }
      }
    }
    // Checks done: replace everything.
    this.dispose();
    groups.forEach((saved, g) => {
      const { params: _params, ...options } = saved;
      Object.assign(this.paramGroups[g] as ParamGroup<O>, options);
    });
    for (const [id, paramState] of stateDict.state) {
      const param = byIndex.get(id) as Tensor;
      for (const [name, value] of Object.entries(paramState)) this.setState(param, name, value);
    }
  }

  /**
   * Free the optimizer's state tensors (parameters belong to their module). The optimizer can
   * still step afterwards: state is recreated.
   */
  dispose(): void {
    for (const paramState of this.state.values()) {
      for (const value of Object.values(paramState)) if (value instanceof Tensor) value.dispose();
    }
    this.state.clear();
  }
}

/** Shared checks of hyperparameter values. */
export function checkNonNegative(what: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new ValueError(`${what}: invalid ${name}: ${String(value)} (it must be a finite number ≥ 0).`);
  }
}

/**
 * An optimizer's defaults overridden by the options that are set, after checking that every key
 * is one of `defaults`' (an unknown option is an error, naming the known ones).
 */
export function withDefaults<O extends object>(what: string, defaults: O, options: Partial<O>): O {
  const known = Object.keys(defaults);
  checkOptionKeys(what, options, known, [], `new ${what}(params, { ${known.join(', ')} })`);
  const out = { ...defaults };
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
