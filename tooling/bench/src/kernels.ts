/** Kernel figures every backend reports (issue: foundation benchmarks). */
import * as P from '@parvus/core';
import type { Figure } from './measure.js';
import { measure } from './measure.js';

export function kernelFigures(backend: string): Figure[] {
  const figures: Figure[] = [];
  const gen = new P.Generator(0);
  const x1m = P.keep(P.randn([1 << 20], { generator: gen }));
  figures.push(measure(`${backend}/fakeQuantize-1M`, () => P.tidy(() => void P.fakeQuantize(x1m, 0.05, 0, -128, 127))));
  // The fused gradient of a 4-bit activation of LeNet-5's first convolution (batch 64).
  const qgen = new P.Generator(1);
  const qx = P.keep(P.randn([64, 6, 24, 24], { generator: qgen }));
  const qdy = P.keep(P.randn([64, 6, 24, 24], { generator: qgen }));
  const qs = P.keep(P.scalar(0.3));
  const qzp = P.keep(P.scalar(0));
  const uint4 = { quantMin: 0, quantMax: 15, straightThroughClamp: false };
  // An optional kernel (core has a composite): timed where the backend has it.
  if (P.getKernel(P.FakeQuantizeGrad, P.getBackend())) {
    figures.push(measure(`${backend}/fakeQuantizeGrad-64x6x24x24-uint4`, () => P.tidy(() => void P.engine().runKernelMulti(P.FakeQuantizeGrad, [qdy, qx, qs, qzp], uint4))));
  }

  const x = P.keep(P.randn([1, 64, 56, 56], { generator: gen }));
  const w = P.keep(P.randn([64, 64, 3, 3], { generator: gen }));
  const dy = P.keep(P.randn([1, 64, 56, 56], { generator: gen }));
  const geometry: P.Conv2DGeometry = { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 };
  const e = P.engine();
  figures.push(measure(`${backend}/conv2d-64x56x56-forward`, () => P.tidy(() => void P.conv2d(x, w, null, { padding: 1 }).dataSync()), { runs: 10 }));
  figures.push(
    measure(`${backend}/conv2d-64x56x56-backprop-input`, () =>
      P.tidy(() => void e.runKernel(P.Conv2DBackpropInput, [dy, w], { ...geometry, inputShape: x.shape })), { runs: 10 }),
  );
  figures.push(
    measure(`${backend}/conv2d-64x56x56-backprop-filter`, () =>
      P.tidy(() => void e.runKernel(P.Conv2DBackpropFilter, [x, dy], { ...geometry, filterShape: w.shape })), { runs: 10 }),
  );
  const a = P.keep(P.randn([512, 512], { generator: gen }));
  const b = P.keep(P.randn([512, 512], { generator: gen }));
  figures.push(measure(`${backend}/matmul-512`, () => P.tidy(() => void P.matmul(a, b)), { runs: 10 }));
  for (const t of [x1m, qx, qdy, qs, qzp, x, w, dy, a, b]) t.dispose();
  return figures;
}

/** Copying 1M floats on the host: the memory-bandwidth floor of an elementwise op. */
export function copyFigure(): Figure {
  const source = new Float32Array(1 << 20).fill(1);
  const target = new Float32Array(1 << 20);
  return measure('host/copy-1M', () => target.set(source), { runs: 50 });
}
