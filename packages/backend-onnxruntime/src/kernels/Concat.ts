import type { ConcatAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Concat, formatShape } from '@parvus/core';
import { checkAxis } from '../shape.js';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/** Concatenation along one axis; empty pieces contribute nothing and are left out of the graph. */
export const concatConfig: KernelConfig<ConcatAttrs> = {
  kernelName: Concat,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const { axis } = attrs;
    const first = inputs[0];
    if (!first) throw new Error('Concat needs at least one input');
    checkAxis(axis, first.shape.length);
    const shape = [...first.shape];
    shape[axis] = 0;
    for (const x of inputs) {
      const fits = x.dtype === first.dtype && x.shape.length === first.shape.length && x.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!fits) throw new Error(`cannot concatenate ${x.dtype} ${formatShape(x.shape)} with ${first.dtype} ${formatShape(first.shape)} on axis ${axis}`);
      shape[axis] = (shape[axis] as number) + (x.shape[axis] as number);
    }
    const pieces = inputs.filter((x) => x.shape.every((d) => d > 0));
    if (pieces.length === 1) return b.alias(pieces[0] as TensorInfo);
    return b.runGraph({
      kernelName: Concat,
      key: attrsKey({ axis, count: pieces.length }),
      inputs: pieces,
      outputs: [{ shape, dtype: first.dtype }],
      build: (graph, names) => [graph.op('Concat', names, { axis })],
    })[0] as TensorInfo;
  },
};
