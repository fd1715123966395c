import type { KernelConfig, MaxPool2DGradAttrs, TensorInfo } from '@parvus/core';
import { MaxPool2DGrad, formatShape } from '@parvus/core';
import { pool2dOutputShape, sameShape } from '../shape.js';
import { BACKEND_NAME, BOOL, FLOAT, INT64, UINT8, asOnnxruntime, attrsKey } from './kernel-helpers.js';
import { maxPoolAttributes } from './pool-helpers.js';

/**
 * Routes dy to torch's maximum of each window: the first maximum, or the last NaN where the window
 * holds one (torch's `val > max || isnan(val)`). MaxPool's Indices output (flat positions in x) skips
 * NaN, so where x holds a NaN (an If: most calls have none, and skip that work) a second MaxPool
 * over NaN positions (1 + the position within the image, 0 elsewhere) finds the last NaN of each
 * window. The indices drive a ScatterElements with add reduction into zeros, so
 * overlapping windows accumulate. onnxruntime's WebGPU MaxPool has no Indices output, so there the
 * MaxPool nodes run on the CPU.
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
        const [, firstMaximum] = graph.opN('MaxPool', [input as string], 2, onnx);
        const isNaN = graph.op('IsNaN', [input as string]);
        const anyNaN = graph.op('Cast', [graph.op('ReduceMax', [graph.op('Cast', [isNaN], { to: UINT8 })], { keepdims: 0 })], { to: BOOL });
        // Only where x holds a NaN: the last NaN of each window. Positions within an image, 1…H·W,
        // are exact in float32 below 2^24.
        const withNaN = graph.branch((g) => {
          const shape = g.op('Shape', [input as string]);
          const imageShape = g.op('Slice', [shape, g.constant('int64', [2]), g.constant('int64', [4])]);
          const imageSize = g.op('ReduceProd', [imageShape], { keepdims: 1 });
          const limit = g.op('Cast', [g.op('Add', [g.op('Squeeze', [imageSize]), g.scalar('int64', 1)])], { to: FLOAT });
          const positions = g.op('Reshape', [g.op('Range', [g.scalar('float32', 1), limit, g.scalar('float32', 1)]), imageShape]);
          const nanPositions = g.op('Where', [isNaN, positions, g.scalar('float32', 0)]);
          const lastNaN = g.op('Cast', [g.op('MaxPool', [nanPositions], onnx)], { to: INT64 });
          const imageStart = g.op('Mul', [g.op('Div', [firstMaximum as string, imageSize]), imageSize]);
          const nanIndex = g.op('Sub', [g.op('Add', [imageStart, lastNaN]), g.scalar('int64', 1)]);
          return [[g.op('Where', [g.op('Greater', [lastNaN, g.scalar('int64', 0)]), nanIndex, firstMaximum as string]), 'int64']];
        });
        const withoutNaN = graph.branch(() => [[firstMaximum as string, 'int64']]);
        const indices = graph.op('If', [anyNaN], { then_branch: withNaN, else_branch: withoutNaN });
        const xFlat = graph.op('Reshape', [input as string, flat]);
        const zeros = graph.op('ConstantOfShape', [graph.op('Shape', [xFlat])], { value: { tensor: { type: 'float32', values: [0], dims: [1] } } });
        const scattered = graph.op('ScatterElements', [
          zeros,
          graph.op('Reshape', [indices, flat]),
          graph.op('Reshape', [gradient as string, flat]),
        ], { axis: 0, reduction: 'add' });
        return [graph.op('Reshape', [scattered, graph.op('Shape', [input as string])])];
      },
    })[0] as TensorInfo;
  },
};
