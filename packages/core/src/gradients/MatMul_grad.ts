import type { Tensor } from '../engine/tensor.js';
import type { MatMulAttrs } from '../kernels/kernel-names.js';
import { engine } from '../engine/engine.js';
import { reduceToShape } from './broadcast-grad.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const matMulGradConfig: GradConfig = {
  kernelName: k.MatMul,
  gradFunc: (dy, { inputs: [a, b], attrs }) => {
    const { transposeA, transposeB } = attrs as MatMulAttrs;
    const ta = a as Tensor;
    const tb = b as Tensor;
    // Batch dimensions may have broadcast; the kernel is called directly to keep operand ranks.
    const mm = (x: Tensor, y: Tensor, tx: boolean, ty: boolean): Tensor =>
      engine().runKernel(k.MatMul, [x, y], { transposeA: tx, transposeB: ty });
    const da = (): Tensor => {
      if (!transposeA) return transposeB ? mm(dy, tb, false, false) : mm(dy, tb, false, true);
      return transposeB ? mm(tb, dy, true, true) : mm(tb, dy, false, true);
    };
    const db = (): Tensor => {
      if (!transposeB) return transposeA ? mm(ta, dy, false, false) : mm(ta, dy, true, false);
      return transposeA ? mm(dy, ta, true, true) : mm(dy, ta, true, false);
    };
    return [() => reduceToShape(da(), ta.shape), () => reduceToShape(db(), tb.shape)];
  },
};
