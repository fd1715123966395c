/**
 * @parvus/conformance — the one vitest suite every Parvus backend runs, from one test file:
 *
 *   import { describeBackendConformance } from '@parvus/conformance';
 *   import { ReferenceBackend } from '../src/index.js';
 *   describeBackendConformance('reference', () => new ReferenceBackend());
 *
 * Kernels are checked against oracle64 (independent float64 loops), gradients against float64
 * finite differences, a training loop for leaks, modules (state-dict round trips, train/eval
 * modes, BatchNorm statistics, optimizer steps) against hand-computed values, and quantized layers
 * against the Brevitas golden fixtures (src/brevitas/). Skips are data: pass
 * `{ skip: { 'Conv2DBackpropFilter/dilated': 'not yet: issue N' } }`.
 *
 * `describeBrevitasQuantizerFixtures` runs a chosen subset of the fixtures (by default the
 * quantizer ones) on their own, bit for bit or, for GPUs, within one quantization step.
 */
import { beforeAll, describe } from 'vitest';
import type { Backend } from '@parvus/core';
import { backendInstance, registerBackend, setBackend } from '@parvus/core';
import { Suite } from './suite.js';
import { registerKernelRegistrationTests, registerSkipSelfCheck, registerSuiteSelfChecks } from './contract.js';
import { registerUnaryKernelTests } from './kernels/unary.js';
import { registerBinaryKernelTests } from './kernels/binary.js';
import { registerSelectionKernelTests } from './kernels/selection.js';
import { registerReductionKernelTests } from './kernels/reduction.js';
import { registerLayoutKernelTests } from './kernels/layout.js';
import { registerMatMulKernelTests } from './kernels/matmul.js';
import { registerConvKernelTests } from './kernels/conv.js';
import { registerPoolKernelTests } from './kernels/pool.js';
import { registerFakeQuantizeKernelTests } from './kernels/fake-quantize.js';
import { registerElementwiseGradientTests } from './gradients/elementwise.js';
import { registerReductionLayoutGradientTests } from './gradients/reduction-layout.js';
import { registerLinearAlgebraGradientTests } from './gradients/linear-algebra.js';
import { registerPoolGradientTests } from './gradients/pool.js';
import { registerFakeQuantizeGradientTests } from './gradients/fake-quantize.js';
import { registerStraightThroughGradientTests } from './gradients/straight-through.js';
import { registerCompositeGradientTests } from './gradients/composite.js';
import { registerEngineTests } from './engine.js';
import { registerTrainingTests } from './leak.js';
import { registerStateDictTests } from './modules/state-dict.js';
import { registerModeTests } from './modules/modes.js';
import { registerBatchNormTests } from './modules/batchnorm.js';
import { registerOptimizerTests } from './modules/optimizers.js';
import { registerBrevitasFixtureTests } from './brevitas/index.js';
import type { ModuleCaseFixtureFile } from './brevitas/quantizer-fixtures.js';
import { QUANTIZER_FIXTURE_FILES, registerOneStepSelfCheck, registerQuantizerFixtureTests } from './brevitas/quantizer-fixtures.js';
import type { FixtureComparison } from './brevitas/module-cases.js';

export interface ConformanceOptions {
  /** Test id ('<Kernel>/<case>') → why the backend skips it. */
  skip?: Record<string, string>;
}

/** High enough that the backend under test is also the default for code that calls `ready()`. */
const CONFORMANCE_PRIORITY = 100;

export function describeBackendConformance(
  name: string,
  createBackend: () => Backend | Promise<Backend>,
  options: ConformanceOptions = {},
): void {
  const skips = options.skip ?? {};
  let backend: Backend | null = null;
  const suite = new Suite(name, skips, () => {
    if (!backend) throw new Error(`backend '${name}' is not initialised (did beforeAll fail?)`);
    return backend;
  });

  describe(`conformance of backend '${name}'`, () => {
    beforeAll(async () => {
      registerBackend(name, createBackend, CONFORMANCE_PRIORITY); // false when already registered: fine
      await setBackend(name);
      backend = backendInstance();
    });

    describe('kernel registration', () => registerKernelRegistrationTests(suite));
    describe('unary kernels', () => registerUnaryKernelTests(suite));
    describe('binary kernels', () => registerBinaryKernelTests(suite));
    describe('selection and cast kernels', () => registerSelectionKernelTests(suite));
    describe('reduction kernels', () => registerReductionKernelTests(suite));
    describe('layout kernels', () => registerLayoutKernelTests(suite));
    describe('matmul kernel', () => registerMatMulKernelTests(suite));
    describe('convolution kernels', () => registerConvKernelTests(suite));
    describe('pooling kernels', () => registerPoolKernelTests(suite));
    describe('fake quantization kernel', () => registerFakeQuantizeKernelTests(suite));
    describe('gradients: elementwise', () => registerElementwiseGradientTests(suite));
    describe('gradients: reductions and layout', () => registerReductionLayoutGradientTests(suite));
    describe('gradients: matmul and convolution', () => registerLinearAlgebraGradientTests(suite));
    describe('gradients: pooling', () => registerPoolGradientTests(suite));
    describe('gradients: fake quantization', () => registerFakeQuantizeGradientTests(suite));
    describe('gradients: straight-through estimators', () => registerStraightThroughGradientTests(suite));
    describe('gradients: composite ops', () => registerCompositeGradientTests(suite));
    describe('engine and storage', () => registerEngineTests(suite));
    describe('training', () => registerTrainingTests(suite));
    describe('modules: state dicts', () => registerStateDictTests(suite));
    describe('modules: train and eval modes', () => registerModeTests(suite));
    describe('modules: batch normalisation', () => registerBatchNormTests(suite));
    describe('modules: optimizers', () => registerOptimizerTests(suite));
    describe('Brevitas golden fixtures', () => registerBrevitasFixtureTests(suite));
    describe('suite', () => registerSuiteSelfChecks(suite, skips));
  });
}

export interface BrevitasQuantizerFixtureOptions {
  /**
   * The module-case files to run, in this order (default: the quantizer fixtures,
   * act_quantizers.json, weight_quantizers.json and bias_quant.json).
   */
  files?: readonly ModuleCaseFixtureFile[];
  /**
   * 'exact' (default): bit for bit, as `describeBackendConformance` runs them. 'one-step', for
   * backends whose float arithmetic is not torch-exact (GPUs): integer codes within one
   * quantization step, dequantized values within one scale step, scales, zero points and
   * statistics within 2^-15 relative, bit widths, flags and shapes exact; `isValid` and `int()`
   * computed on the host from asynchronous reads (see src/brevitas/one-step.ts for why).
   */
  tolerance?: FixtureComparison;
  /** Test id ('Brevitas/<file>/<case>') → why the backend skips it. */
  skip?: Record<string, string>;
}

/**
 * A subset of the Brevitas golden fixtures on their own, with a stated comparison: for a backend
 * that cannot run the whole suite bit for bit (a GPU), beside the kernel checks of its own tests.
 *
 *   describeBrevitasQuantizerFixtures('onnxruntime-webgpu', () => createOnnxruntimeBackend('webgpu'), { tolerance: 'one-step' });
 */
export function describeBrevitasQuantizerFixtures(
  name: string,
  createBackend: () => Backend | Promise<Backend>,
  options: BrevitasQuantizerFixtureOptions = {},
): void {
  const skips = options.skip ?? {};
  const comparison = options.tolerance ?? 'exact';
  let backend: Backend | null = null;
  const suite = new Suite(name, skips, () => {
    if (!backend) throw new Error(`backend '${name}' is not initialised (did beforeAll fail?)`);
    return backend;
  });

  describe(`Brevitas quantizer fixtures on backend '${name}' (${comparison})`, () => {
    beforeAll(async () => {
      registerBackend(name, createBackend, CONFORMANCE_PRIORITY); // false when already registered: fine
      await setBackend(name);
      backend = backendInstance();
    });

    registerQuantizerFixtureTests(suite, options.files ?? QUANTIZER_FIXTURE_FILES, comparison);
    describe('suite', () => {
      if (comparison === 'one-step') registerOneStepSelfCheck(suite);
      registerSkipSelfCheck(suite, skips);
    });
  });
}

export { ONE_STEP } from './brevitas/one-step.js';
export type { OneStepTolerance } from './brevitas/one-step.js';
export { QUANTIZER_FIXTURE_FILES } from './brevitas/quantizer-fixtures.js';
export type { ModuleCaseFixtureFile } from './brevitas/quantizer-fixtures.js';
export type { FixtureComparison } from './brevitas/module-cases.js';

export * as oracle64 from './oracle64/index.js';
export { tolerancesFor } from './tolerance.js';
export type { Tolerance, Tolerances } from './tolerance.js';
export { withoutSyncReads } from './without-sync-reads.js';
