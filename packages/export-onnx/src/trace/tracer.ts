/**
 * Tracing a module: its forward runs once, in eval mode and without gradients, on the recording
 * backend, with every submodule's forward wrapped (for the duration of the trace only) so that each
 * kernel call knows the layer it ran in and quant proxies report the metadata of what they return.
 */
import type { DType, Module, Tensor, TypedArray } from '@parvus/core';
import {
  ActQuantProxyFromInjector,
  BiasQuantProxyFromInjector,
  IntQuantTensor,
  QuantProxyFromInjector,
  TruncQuantProxyFromInjector,
  WeightQuantProxyFromInjector,
  engine,
  noGrad,
  quantCore,
  tidy,
} from '@parvus/core';
import { ExportError } from '../errors.js';
import type { ModuleScope } from '../errors.js';
import type { ConstantData, QuantProxyOutput } from './trace.js';
import { Trace } from './trace.js';
import { TRACE_BACKEND, traceBackend } from './trace-backend.js';

/** The example input of a trace, as host values (withTrace stores `values` without copying them). */
export interface SampleInput {
  values: Float32Array | Int32Array | Uint8Array;
  shape: readonly number[];
  dtype: DType;
}

function className(value: object): string {
  return value.constructor?.name || 'Module';
}

/** Scopes for every module of the tree: the layer is the innermost module above any quant proxy. */
function moduleScopes(root: Module): Map<Module, ModuleScope> {
  const scopes = new Map<Module, ModuleScope>();
  for (const [path, module] of root.namedModules()) {
    let layer = '';
    let layerModule: Module = root;
    const parts = path === '' ? [] : path.split('.');
    for (let i = 0; i < parts.length; i++) {
      const current = layerModule.getSubmodule(parts[i] as string);
      if (current instanceof QuantProxyFromInjector) break;
      layer = parts.slice(0, i + 1).join('.');
      layerModule = current;
    }
    scopes.set(module, { path, type: className(module), layer, layerType: className(layerModule) });
  }
  return scopes;
}

/** The kind of values a quantizer module produces. */
function quantizerKind(tensorQuant: unknown): QuantProxyOutput['kind'] {
  if (tensorQuant instanceof quantCore.BinaryQuant || tensorQuant instanceof quantCore.ClampedBinaryQuant) return 'bipolar';
  if (tensorQuant instanceof quantCore.TernaryQuant) return 'ternary';
  return 'int';
}

function proxyQuantizer(proxy: Module): unknown {
  if (proxy instanceof ActQuantProxyFromInjector) return proxy.fusedActivationQuantProxy?.tensorQuant ?? null;
  if (proxy instanceof WeightQuantProxyFromInjector || proxy instanceof BiasQuantProxyFromInjector || proxy instanceof TruncQuantProxyFromInjector) {
    return proxy.tensorQuant;
  }
  return null;
}

function hostValues(t: Tensor): ConstantData {
  return { values: t.dataSync(), shape: [...t.shape], dtype: t.dtype };
}

/** Record what a quant proxy returned, when its scale, zero point and bit width are constants. */
function recordQuantOutput(trace: Trace, proxy: QuantProxyFromInjector, scope: ModuleScope, result: unknown): void {
  if (!(result instanceof IntQuantTensor)) return;
  const { scale, zeroPoint, bitWidth } = result;
  if ([scale, zeroPoint, bitWidth].some((t) => trace.isDynamic(t))) return;
  const output: QuantProxyOutput = {
    kind: quantizerKind(proxyQuantizer(proxy)),
    valueShape: [...result.value.shape],
    scale: hostValues(scale),
    zeroPoint: hostValues(zeroPoint),
    bitWidth: bitWidth.dataSync()[0] as number,
    signed: result.signed,
    narrowRange: proxy.isNarrowRange ?? false,
    scope,
  };
  trace.quantOutputs.set(result.value.dataId, output);
}

/** Wrap every module's forward for the trace; returns the function that undoes it. */
function instrument(root: Module, trace: Trace): () => void {
  const scopes = moduleScopes(root);
  const undo: Array<() => void> = [];
  for (const [module, scope] of scopes) {
    const own = Object.prototype.hasOwnProperty.call(module, 'forward');
    const original = module.forward;
    const traced = function (this: unknown, ...args: unknown[]): unknown {
      const call = trace.enter(module, scope, args);
      let result: unknown;
      try {
        result = original.apply(module, args);
      } finally {
        trace.exit(call, result);
      }
      if (module instanceof QuantProxyFromInjector) recordQuantOutput(trace, module, scope, result);
      return result;
    };
    Object.defineProperty(module, 'forward', { value: traced, configurable: true, writable: true, enumerable: false });
    undo.push(() => {
      if (own) Object.defineProperty(module, 'forward', { value: original, configurable: true, writable: true, enumerable: false });
      else delete (module as { forward?: unknown }).forward;
    });
  }
  return () => {
    for (const fn of undo.reverse()) fn();
  };
}

/** Plain tensors of a forward's result: a Tensor, an IntQuantTensor (its value) or an array of them. */
function outputTensors(result: unknown, scope: ModuleScope): Tensor[] {
  if (result instanceof IntQuantTensor) return [result.value];
  if (Array.isArray(result)) return result.flatMap((item) => outputTensors(item, scope));
  if (typeof result === 'object' && result !== null && 'dataId' in result && 'shape' in result) return [result as Tensor];
  throw new ExportError(
    `its forward returned ${result === null ? 'null' : typeof result}; an exported module must return a Tensor, an IntQuantTensor or an array of them`,
    scope,
  );
}

/**
 * Host copies of the module's parameters and buffers that live on a backend without synchronous
 * reads (a GPU backend): the engine could not move them to the recording backend by itself.
 */
export async function unreadableTensors(module: Module): Promise<Array<[Tensor, TypedArray]>> {
  const e = engine();
  const out: Array<[Tensor, TypedArray]> = [];
  for (const t of new Set([...module.parameters(), ...module.buffers()])) {
    if (!t.isDisposed && !e.backendOf(t).readSync) out.push([t, await t.data()]);
  }
  return out;
}

/**
 * Trace `module` on `sample` and hand the trace to `build` while the traced values are still
 * readable. The module's training flags, its forward methods and the active backend are restored
 * afterwards, whatever happens. `preload` (from unreadableTensors) moves tensors to the recording
 * backend first; they move back to their backend when it next uses them.
 */
export function withTrace<T>(module: Module, sample: SampleInput, build: (trace: Trace) => T, preload: ReadonlyArray<readonly [Tensor, TypedArray]> = []): T {
  const backend = traceBackend();
  const e = engine();
  const previous = e.backend.name;
  const modules = module.modules();
  const training = modules.map((m) => m.training);
  const rootScope: ModuleScope = { path: '', type: className(module), layer: '', layerType: className(module) };
  const trace = new Trace(backend, rootScope);
  const restoreForwards = instrument(module, trace);
  module.eval();
  backend.attach(trace);
  try {
    e.setBackendSync(TRACE_BACKEND);
    for (const [tensor, values] of preload) {
      const copy = e.makeTensor(values, tensor.shape, tensor.dtype);
      e.assign(tensor, copy);
      copy.dispose();
    }
    return noGrad(() =>
      tidy(() => {
        const input = e.makeTensor(sample.values, sample.shape, sample.dtype);
        trace.setInput(input);
        const result = module.forward(input);
        trace.outputs = outputTensors(result, rootScope).map((t) => ({ dataId: t.dataId, shape: [...t.shape], dtype: t.dtype }));
        return build(trace);
      }),
    );
  } finally {
    backend.detach();
    e.setBackendSync(previous);
    restoreForwards();
    modules.forEach((m, i) => { m.training = training[i] as boolean; });
  }
}
