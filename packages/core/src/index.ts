/**
 * @parvus/core — tensors, autograd and the kernel contract (backend-agnostic).
 */
import './ops/tensor-methods.js';
import './gradients/register-all-gradients.js';
import { engine } from './engine/engine.js';
import type { BackendFactory, MemoryInfo } from './engine/engine.js';
import type { Backend } from './kernels/backend.js';

// Kernel contract
export * as kernels from './kernels/kernel-names.js';
export * from './kernels/kernel-names.js';
export type { Backend, BackendMemoryInfo, KernelArgs, KernelConfig, KernelFunc } from './kernels/backend.js';
export type { DataId, DType, TensorInfo, TypedArray } from './kernels/tensor-info.js';
export { DTYPES, bytesPerElement, sizeOf, typedArrayFor } from './kernels/tensor-info.js';
export { registerKernel, unregisterKernel, getKernel, hasKernel, getKernelsForBackend } from './kernels/kernel-registry.js';
export { KERNEL_SPECIFICATION_VERSION } from './kernels/specification.js';
export { kthValueSelect } from './kernels/kth-value-select.js';
export { powHost } from './kernels/pow.js';

// Engine
export { Tensor } from './engine/tensor.js';
export { Engine, engine } from './engine/engine.js';
export type { BackendFactory, MemoryInfo } from './engine/engine.js';
export { tidy, keep, noGrad, op, knownValue, hostScalar, settleChecks } from './engine/op.js';
export * from './errors/errors.js';

// Autograd
export { backward } from './autograd/backward.js';
export type { BackwardOptions } from './autograd/backward.js';
export { customOp } from './autograd/custom-op.js';
export { parameter } from './autograd/parameter.js';
export { registerGradient, getGradient, registeredGradients } from './autograd/gradient-registry.js';
export type { GradConfig } from './autograd/gradient-registry.js';
export type { GradFunc, GradNode } from './autograd/grad-node.js';

// Ops
export * from './ops/creation.js';
export * from './ops/unary.js';
export * from './ops/binary.js';
export * from './ops/selection.js';
export * from './ops/reduction.js';
export * from './ops/shape.js';
export * from './ops/matmul.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/activation.js';
export * from './ops/loss.js';
export * from './ops/fake-quantize.js';
export * from './ops/random.js';
export * from './ops/interpolate.js';
export * from './ops/dropout.js';
export { promoteTypes } from './ops/operands.js';
export * from './function/ops-ste.js';

// Quantizer injection
export * from './inject/index.js';

// Brevitas's core building blocks, as one namespace (names such as IntQuant and Identity also
// exist as quantizer fragments and float layers).
export * as quantCore from './quant-core/index.js';
export * from './function/ops.js';

// Proxies
export { QuantProxyFromInjector } from './proxy/quant-proxy.js';
export { ActQuantProxyFromInjector, FusedActivationQuantProxy } from './proxy/runtime-quant.js';
export { WeightQuantProxyFromInjector, BiasQuantProxyFromInjector } from './proxy/parameter-quant.js';
export { TruncQuantProxyFromInjector } from './proxy/trunc-quant.js';

// Quantizer catalogue
export * from './quant/index.js';
export * from './quant-tensor/int-quant-tensor.js';
// Brevitas ↔ Parvus state-dict keys (snake_case ↔ camelCase, segment by segment)
export { brevitasToParvusKey, parvusToBrevitasKey, brevitasToParvusName, parvusToBrevitasName } from './nn/quant/state-dict-keys.js';

// Random
export { Generator, manualSeed, getDefaultGenerator } from './random/generator.js';

// Utilities
export { broadcastShapes, stridesOf, normalizeAxis, normalizeAxes, formatShape } from './util/shape.js';

/** Register a backend factory under `name`; the highest priority that initialises is used by default. */
export function registerBackend(name: string, factory: BackendFactory, priority = 1): boolean {
  return engine().registerBackend(name, factory, priority);
}

export function removeBackend(name: string): void {
  engine().removeBackend(name);
}

/** Initialise (awaiting async factories) and activate a backend. */
export function setBackend(name: string): Promise<void> {
  return engine().setBackend(name);
}

/** Activate a backend whose factory is synchronous. */
export function setBackendSync(name: string): void {
  engine().setBackendSync(name);
}

/** The name of the active backend (initialising the best one if none is active). */
export function getBackend(): string {
  return engine().backendName;
}

/** The active backend instance. */
export function backendInstance(): Backend {
  return engine().backend;
}

/** Wait until a backend is initialised (needed for backends that initialise asynchronously). */
export async function ready(): Promise<string> {
  return (await engine().ready()).name;
}

/** Live tensors and bytes, for leak checks. */
export function memory(): MemoryInfo {
  return engine().memory();
}

// Modules, optimizers, data and checkpoints
export * from './nn/index.js';
export * from './optim/index.js';
export * from './data/index.js';
export * from './checkpoint/index.js';
