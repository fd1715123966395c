import type { KernelConfig, MaxPool2DGradAttrs, TensorInfo } from '@parvus/core';
import { MaxPool2DGrad } from '@parvus/core';
import { formatShape, pool2dOutputShape, sameShape } from '../shape.js';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';
import { maxPoolAttributes } from './pool-helpers.js';

/**
 * Routes dy to the first maximum of each window: MaxPool's Indices output (flat positions in x)
 * drive a ScatterElements with add reduction into zeros, so overlapping windows accumulate.
 * onnxruntime's WebGPU MaxPool has no Indices output, so there that node runs on the CPU.
 */
export const maxPool2DGradConfig: KernelConfig<MaxPool2DGradAttrs> = {
  kernelName: MaxPool2DGrad,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const [dy, x] = inputs as [TensorInfo, TensorInfo];
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error('MaxPool2DGrad needs float32 operands');
    const yShape = pool2dOutputShape(x.shape, attrs, attrs.dilations);
    if (!sameShape(yShape, dy.shape)) throw new Error(`dy ${formatShape(dy.shape)} does not match the pooling output ${formatShape(yShape)}`);
    const onnx = maxPoolAttributes(attrs);
    return b.runGraph({
      kernelName: MaxPool2DGrad,
      key: attrsKey(onnx),
      inputs: [dy, x],
      outputs: [{ shape: x.shape, dtype: 'float32' }],
      cpuOpTypes: ['MaxPool'],
      build: (graph, [gradient, input]) => {
        const flat = graph.constant('int64', [-1]);
        const [, indices] = graph.opN('MaxPool', [input as string], 2, onnx);
        const xFlat = graph.op('Reshape', [input as string, flat]);
        const zeros = graph.op('ConstantOfShape', [graph.op('Shape', [xFlat])], { value: { tensor: { type: 'float32', values: [0], dims: [1] } } });
        const scattered = graph.op('ScatterElements', [
          zeros,
          graph.op('Reshape', [indices as string, flat]),
          graph.op('Reshape', [gradient as string, flat]),
        ], { axis: 0, reduction: 'add' });
        return [graph.op('Reshape', [scattered, graph.op('Shape', [input as string])])];
      },
    })[0] as TensorInfo;
  },
};
