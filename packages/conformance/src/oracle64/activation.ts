/** Softmax, log-softmax and cross-entropy along one axis, in float64 (with the max shift). */
import type { Array64 } from './array64.js';
import { array64, sizeOfShape } from './array64.js';

function alongAxis(x: Array64, axis: number, fn: (line: Float64Array) => Float64Array): Array64 {
  const dim = x.shape[axis] as number;
  const inner = sizeOfShape(x.shape.slice(axis + 1));
  const outer = sizeOfShape(x.shape.slice(0, axis));
  const out = array64(x.shape);
  const line = new Float64Array(dim);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let j = 0; j < dim; j++) line[j] = x.data[(o * dim + j) * inner + i] as number;
      const result = fn(line);
      for (let j = 0; j < dim; j++) out.data[(o * dim + j) * inner + i] = result[j] as number;
    }
  }
  return out;
}

export function logSoftmax(x: Array64, axis: number): Array64 {
  return alongAxis(x, axis, (line) => {
    const m = Math.max(...line);
    let total = 0;
    for (const v of line) total += Math.exp(v - m);
    const logTotal = Math.log(total);
    return line.map((v) => v - m - logTotal);
  });
}

export function softmax(x: Array64, axis: number): Array64 {
  return alongAxis(x, axis, (line) => {
    const m = Math.max(...line);
    const e = line.map((v) => Math.exp(v - m));
    let total = 0;
    for (const v of e) total += v;
    return e.map((v) => v / total);
  });
}

/** Mean cross-entropy of logits [N, C] against class indices [N] (torch.nn.functional.cross_entropy). */
export function crossEntropyIndices(logits: Array64, targets: readonly number[]): number {
  const [n, c] = logits.shape as [number, number];
  const lp = logSoftmax(logits, 1);
  let total = 0;
  for (let i = 0; i < n; i++) total -= lp.data[i * c + (targets[i] as number)] as number;
  return total / n;
}

/** Mean cross-entropy of logits [N, C] against class probabilities [N, C]. */
export function crossEntropyProbabilities(logits: Array64, targets: Array64): number {
  const n = logits.shape[0] as number;
  const lp = logSoftmax(logits, 1);
  let total = 0;
  for (let i = 0; i < lp.data.length; i++) total -= (lp.data[i] as number) * (targets.data[i] as number);
  return total / n;
}
