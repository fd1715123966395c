import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import { normalizeAxis } from '../util/shape.js';
import { exp, log } from './unary.js';
import { div, sub } from './binary.js';
import { max, sum } from './reduction.js';
import { detach } from './selection.js';
import { assertFloat } from './operands.js';

/** log(softmax(x)) along `axis`, computed stably. */
export const logSoftmax = op('logSoftmax', (x: Tensor, axis = -1): Tensor => {
  assertFloat(x, 'logSoftmax');
  const a = normalizeAxis(axis, x.rank);
  // The shift cancels in value and gradient; detaching it saves a useless backward through max.
  const shifted = sub(x, detach(max(x, a, true)));
  return sub(shifted, log(sum(exp(shifted), a, true)));
});

/** softmax along `axis`, computed stably. */
export const softmax = op('softmax', (x: Tensor, axis = -1): Tensor => {
  assertFloat(x, 'softmax');
  const a = normalizeAxis(axis, x.rank);
  const e = exp(sub(x, detach(max(x, a, true))));
  return div(e, sum(e, a, true));
});
