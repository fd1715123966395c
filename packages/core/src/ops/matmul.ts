import { engine } from '../engine/engine.js';
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import * as k from '../kernels/kernel-names.js';
import { ShapeError } from '../errors/errors.js';
import { broadcastShapes, formatShape } from '../util/shape.js';
import { assertFloat } from './operands.js';
import { reshape } from './shape.js';
import { add } from './binary.js';

/** Matrix product with torch.matmul's rules for 1-D operands and broadcast batch dimensions. */
export const matmul = op('matmul', (a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor => {
  assertFloat(a, 'matmul');
  assertFloat(b, 'matmul');
  if (a.rank === 0 || b.rank === 0) throw new ShapeError('matmul needs tensors of rank ≥ 1; use mul for scalars.');
  const a2 = a.rank === 1 ? reshape(a, [1, a.size]) : a;
  const b2 = b.rank === 1 ? reshape(b, [b.size, 1]) : b;
  const ka = a2.shape[a2.rank - (transposeA ? 2 : 1)];
  const kb = b2.shape[b2.rank - (transposeB ? 1 : 2)];
  if (ka !== kb) {
    throw new ShapeError(
      `matmul: inner dimensions differ: ${formatShape(a.shape)}${transposeA ? 'ᵀ' : ''} × ` +
        `${formatShape(b.shape)}${transposeB ? 'ᵀ' : ''} (${ka} vs ${kb}).`,
    );
  }
  broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2), 'matmul batch dimensions');
  const out = engine().runKernel(k.MatMul, [a2, b2], { transposeA, transposeB });
  if (a.rank === 1 && b.rank === 1) return reshape(out, []);
  if (a.rank === 1) return reshape(out, [...out.shape.slice(0, -2), out.shape[out.rank - 1] as number]);
  if (b.rank === 1) return reshape(out, out.shape.slice(0, -1));
  return out;
});

/** y = x·wᵀ + bias for x [..., in], w [out, in] (torch.nn.functional.linear). */
export const linear = op('linear', (x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor => {
  if (weight.rank !== 2) throw new ShapeError(`linear: weight must be [out, in], got ${formatShape(weight.shape)}.`);
  const inFeatures = weight.shape[1] as number;
  if (x.rank === 0 || x.shape[x.rank - 1] !== inFeatures) {
    throw new ShapeError(`linear: input ${formatShape(x.shape)} does not end in in_features=${inFeatures} (weight ${formatShape(weight.shape)}).`);
  }
  const flat = x.rank === 2 ? x : reshape(x, [-1, inFeatures]);
  let y = matmul(flat, weight, false, true);
  if (bias) {
    if (bias.rank !== 1 || bias.size !== weight.shape[0]) {
      throw new ShapeError(`linear: bias ${formatShape(bias.shape)} does not match out_features=${weight.shape[0]}.`);
    }
    y = add(y, bias);
  }
  return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), weight.shape[0] as number]);
});
