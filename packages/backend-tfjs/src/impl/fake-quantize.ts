/**
 * Fused fake quantization and its gradient on a tfjs backend, bit-identical to core's
 * `fakeQuantizeComposite` and `fakeQuantizeGradComposite` (every step in float32, −0 included):
 *
 *  - tfjs-wasm: the SIMD loops of wasm-kernels.ts run on tfjs's own heap, in place.
 *  - tfjs-cpu: the same loops on a private wasm memory (one copy in, one out).
 *  - other tfjs backends (GPUs, tfjs-node): the composites from tfjs ops with exact round and clamp.
 *
 * Per-channel parameters: the loop runs once per run of elements that share a scale and zero point
 * (a trailing block: H·W for NCHW activations, C·kh·kw for OIHW weights), or element by element
 * against broadcast copies of the parameters when runs are short.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WasmKernels } from './wasm-kernels.js';
import { PrivateHeap } from './wasm-kernels.js';
import { WasmHeap } from './wasm-heap.js';
import { broadcastFast, clampExact, roundExact } from './exact.js';
import type { TfjsBackend } from '../tfjs-backend.js';
import { expectDTypes } from './kernel.js';
import { isHostBackend } from './host.js';

/** Runs shorter than this go element by element (one call per run costs more than the broadcast). */
const MIN_RUN = 16;

/** How the operands are laid out: runs of elements sharing the parameters' elements. */
interface Layout {
  /** Elements per run (the trailing axes where both parameters have size 1). */
  run: number;
  /** Number of runs. */
  runs: number;
  scaleIndex: (runIndex: number) => number;
  zeroPointIndex: (runIndex: number) => number;
  /** Runs too short: broadcast the parameters and go element by element. */
  perElement: boolean;
}

/** Left-pad `shape` with ones to `rank`. */
function padded(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

/** Maps a run (an index over x's leading `split` axes) to the flat index of a broadcast parameter. */
function indexer(xShape: readonly number[], paramShape: readonly number[], split: number): (runIndex: number) => number {
  const strides = new Array<number>(split).fill(0);
  let stride = 1;
  for (let a = xShape.length - 1; a >= 0; a--) {
    if (a < split && paramShape[a] !== 1) strides[a] = stride;
    stride *= paramShape[a] as number;
  }
  if (strides.every((s) => s === 0)) return () => 0;
  return (runIndex) => {
    let rest = runIndex;
    let index = 0;
    for (let a = split - 1; a >= 0; a--) {
      const d = xShape[a] as number;
      index += (rest % d) * (strides[a] as number);
      rest = Math.floor(rest / d);
    }
    return index;
  };
}

function checkBroadcast(x: tf.Tensor, param: tf.Tensor, what: string): void {
  if (param.rank > x.rank || padded(param.shape, x.rank).some((d, i) => d !== 1 && d !== x.shape[i])) {
    throw new Error(`${what} [${param.shape.join(', ')}] must broadcast to x [${x.shape.join(', ')}]`);
  }
}

function layoutOf(x: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor): Layout {
  checkBroadcast(x, scale, 'scale');
  checkBroadcast(x, zeroPoint, 'zero point');
  const rank = x.rank;
  const s = padded(scale.shape, rank);
  const z = padded(zeroPoint.shape, rank);
  let split = rank;
  while (split > 0 && s[split - 1] === 1 && z[split - 1] === 1) split--;
  const run = x.shape.slice(split).reduce((p, d) => p * d, 1);
  const runs = run === 0 ? 0 : x.size / run;
  return {
    run,
    runs,
    scaleIndex: indexer(x.shape, s, split),
    zeroPointIndex: indexer(x.shape, z, split),
    perElement: run < MIN_RUN && runs > 1,
  };
}

type Path = 'wasm-heap' | 'private-heap' | 'composite';

function pathOf(backend: TfjsBackend): Path {
  const chosen = backend.fakeQuantizePath;
  if (chosen !== 'auto') return chosen;
  if (backend.tfjsBackendName === 'wasm') return 'wasm-heap';
  return isHostBackend(backend) ? 'private-heap' : 'composite';
}

/**
 * Where the loops read and write: byte addresses of the tensor operands (x, dy, the parameters
 * when per element) and of the outputs, in `kernels`' memory.
 */
interface Buffers {
  kernels: WasmKernels;
  inputs: number[];
  scale: number;
  zeroPoint: number;
  outputs: number[];
}

/**
 * Run `loop` over memory holding the operands: in place on tfjs-wasm's heap, or on a private heap
 * (copies in and out); null where neither is possible (no WebAssembly SIMD).
 */
function onWasm(
  backend: TfjsBackend, path: Path, operands: tf.Tensor[], scale: tf.Tensor, zeroPoint: tf.Tensor,
  layout: Layout, outputs: number, loop: (buffers: Buffers) => void,
): tf.Tensor[] | null {
  const shape = (operands[0] as tf.Tensor).shape;
  const scales = layout.perElement ? broadcastFast(scale, shape) : null;
  const zeroPoints = layout.perElement ? broadcastFast(zeroPoint, shape) : null;
  if (path === 'wasm-heap') {
    const heap = WasmHeap.of(backend);
    if (heap) {
      const outs = Array.from({ length: outputs }, () => heap.output(shape));
      loop({
        kernels: heap.kernels,
        inputs: operands.map((t) => heap.address(t)),
        scale: scales ? heap.address(scales) : 0,
        zeroPoint: zeroPoints ? heap.address(zeroPoints) : 0,
        outputs: outs.map((t) => heap.address(t)),
      });
      return outs;
    }
  }
  if (path === 'composite') return null;
  // A private heap: [operands…, scales, zero points, outputs…], each n floats.
  const n = (operands[0] as tf.Tensor).size;
  const slots = operands.length + 2 + outputs;
  const kernels = privateHeap.kernels(slots * n * 4);
  if (!kernels) return null;
  const memory = new Float32Array(kernels.memory.buffer);
  const address = (slot: number): number => slot * n * 4;
  operands.forEach((t, i) => memory.set(t.dataSync() as Float32Array, i * n));
  if (scales && zeroPoints) {
    memory.set(scales.dataSync() as Float32Array, operands.length * n);
    memory.set(zeroPoints.dataSync() as Float32Array, (operands.length + 1) * n);
  }
  const firstOutput = operands.length + 2;
  loop({
    kernels,
    inputs: operands.map((_, i) => address(i)),
    scale: address(operands.length),
    zeroPoint: address(operands.length + 1),
    outputs: Array.from({ length: outputs }, (_, i) => address(firstOutput + i)),
  });
  return Array.from({ length: outputs }, (_, i) => tf.tensor(memory.slice((firstOutput + i) * n, (firstOutput + i + 1) * n), shape, 'float32'));
}

const privateHeap = new PrivateHeap();

/** The parameters' host values, for the per-run loops. */
function hostParams(layout: Layout, scale: tf.Tensor, zeroPoint: tf.Tensor): [Float32Array, Float32Array] {
  if (layout.perElement) return [new Float32Array(0), new Float32Array(0)];
  return [scale.dataSync() as Float32Array, zeroPoint.dataSync() as Float32Array];
}

const FLOAT32: readonly tf.DataType[] = ['float32'];

// --- FakeQuantize --------------------------------------------------------------------------------

/** The composite from tfjs ops, with torch's round and clamp. */
function fakeQuantizeComposite(x: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor, quantMin: number, quantMax: number, backend: TfjsBackend): tf.Tensor {
  const q = clampExact(roundExact(tf.add(tf.div(x, scale), zeroPoint), backend.semantics), quantMin, quantMax, backend.semantics);
  return tf.mul(tf.sub(q, zeroPoint), scale);
}

export function fakeQuantizeTfjs(
  x: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor, quantMin: number, quantMax: number, backend: TfjsBackend,
): tf.Tensor {
  expectDTypes('FakeQuantize', [x, scale, zeroPoint], FLOAT32);
  if (x.size === 0) return tf.zeros(x.shape);
  const path = pathOf(backend);
  // GPU backends: the composite, without reading the parameters back.
  if (path === 'composite') return fakeQuantizeComposite(x, scale, zeroPoint, quantMin, quantMax, backend);
  const layout = layoutOf(x, scale, zeroPoint);
  const [s, z] = hostParams(layout, scale, zeroPoint);
  const result = onWasm(backend, path, [x], scale, zeroPoint, layout, 1, ({ kernels, inputs: [xp], scale: sp, zeroPoint: zp, outputs: [out] }) => {
    if (layout.perElement) {
      kernels.fakeQuantizePerElement(xp!, sp, zp, out!, x.size, quantMin, quantMax);
      return;
    }
    const bytes = layout.run * 4;
    for (let r = 0; r < layout.runs; r++) {
      kernels.fakeQuantize(xp! + r * bytes, out! + r * bytes, layout.run, s[layout.scaleIndex(r)] as number, z[layout.zeroPointIndex(r)] as number, quantMin, quantMax);
    }
  });
  return result ? (result[0] as tf.Tensor) : fakeQuantizeComposite(x, scale, zeroPoint, quantMin, quantMax, backend);
}

// --- FakeQuantizeGrad ----------------------------------------------------------------------------

/** core's fakeQuantizeGradComposite from tfjs ops, with torch's round and clamp. */
function fakeQuantizeGradComposite(
  dy: tf.Tensor, x: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor, quantMin: number, quantMax: number, straightThrough: boolean,
  backend: TfjsBackend,
): tf.Tensor[] {
  const scaled = tf.div(x, scale);
  const r = roundExact(tf.add(scaled, zeroPoint), backend.semantics);
  const c = clampExact(r, quantMin, quantMax, backend.semantics);
  if (straightThrough) return [tf.mul(dy, 1), tf.mul(dy, tf.sub(tf.sub(c, zeroPoint), scaled)), tf.zerosLike(dy)];
  const m = tf.cast(tf.logicalAnd(tf.greaterEqual(r, quantMin), tf.lessEqual(r, quantMax)), 'float32');
  return [tf.mul(dy, m), tf.mul(dy, tf.sub(tf.sub(c, zeroPoint), tf.mul(m, scaled))), tf.mul(tf.mul(dy, scale), tf.sub(m, 1))];
}

export function fakeQuantizeGradTfjs(
  dy: tf.Tensor, x: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor, quantMin: number, quantMax: number, straightThrough: boolean,
  backend: TfjsBackend,
): tf.Tensor[] {
  expectDTypes('FakeQuantizeGrad', [dy, x, scale, zeroPoint], FLOAT32);
  if (dy.rank !== x.rank || dy.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`dy [${dy.shape.join(', ')}] and x [${x.shape.join(', ')}] must have one shape`);
  }
  if (x.size === 0) return [tf.zeros(x.shape), tf.zeros(x.shape), tf.zeros(x.shape)];
  const path = pathOf(backend);
  if (path === 'composite') return fakeQuantizeGradComposite(dy, x, scale, zeroPoint, quantMin, quantMax, straightThrough, backend);
  const layout = layoutOf(x, scale, zeroPoint);
  const [s, z] = hostParams(layout, scale, zeroPoint);
  const n = x.size;
  const result = onWasm(backend, path, [dy, x], scale, zeroPoint, layout, 3, ({ kernels, inputs: [g, xp], scale: sp, zeroPoint: zp, outputs: [dx, ds, dzp] }) => {
    if (layout.perElement) {
      const perElement = straightThrough ? kernels.fakeQuantizeGradPerElementSteClamp : kernels.fakeQuantizeGradPerElement;
      perElement(g!, xp!, sp, zp, dx!, ds!, dzp!, n, quantMin, quantMax);
      return;
    }
    const perRun = straightThrough ? kernels.fakeQuantizeGradSteClamp : kernels.fakeQuantizeGrad;
    const bytes = layout.run * 4;
    for (let r = 0; r < layout.runs; r++) {
      const o = r * bytes;
      perRun(g! + o, xp! + o, dx! + o, ds! + o, dzp! + o, layout.run, s[layout.scaleIndex(r)] as number, z[layout.zeroPointIndex(r)] as number, quantMin, quantMax);
    }
  });
  return result ?? fakeQuantizeGradComposite(dy, x, scale, zeroPoint, quantMin, quantMax, straightThrough, backend);
}
