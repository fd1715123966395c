/**
 * Brevitas's InplaceTensorClampSte: clamps the tensor it is given in place (binary weights clip
 * the layer's weight itself to ±scale), then passes the gradient straight through.
 */
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/op.js';
import { Module } from '../nn/module.js';
import { detach } from '../ops/selection.js';
import { tensorClamp, tensorClampSte } from '../function/ops.js';

export class InplaceTensorClampSte extends Module {
  static readonly dependencies = {};

  forward(x: Tensor, minVal: Tensor, maxVal: Tensor): Tensor {
    // Only a leaf can be updated in place (a layer's weight); computed tensors are just clamped.
    if (x.gradFn === null && x.kept) noGrad(() => x.assign(tensorClamp(x, detach(minVal), detach(maxVal))));
    return tensorClampSte(x, minVal, maxVal);
  }
}
