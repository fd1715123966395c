import type { Conv2DBackpropFilterAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Conv2DBackpropFilter, formatShape } from '@parvus/core';
import { conv2dOutputShape, sameShape } from '../shape.js';
import { onnxPads } from './conv-helpers.js';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/**
 * The weight gradient of Conv2D as one forward Conv with the roles swapped:
 * dw[o, c, i, j] = Σ_{n,y,x} dy[n, o, y, x] · x[n, c, y·s + i·d − p, …] is a convolution of x (the
 * batch as channels, the channels as batch) with dy as the kernel, stride d and dilation s. Groups
 * become the convolution's groups. The padded tail can add rows beyond kh, which are sliced off.
 */
export const conv2DBackpropFilterConfig: KernelConfig<Conv2DBackpropFilterAttrs> = {
  kernelName: Conv2DBackpropFilter,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const [x, dy] = inputs as [TensorInfo, TensorInfo];
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error('Conv2DBackpropFilter needs float32 operands');
    const { filterShape, groups } = attrs;
    const yShape = conv2dOutputShape(x.shape, filterShape, attrs);
    if (!sameShape(yShape, dy.shape)) throw new Error(`dy ${formatShape(dy.shape)} does not match the convolution's output ${formatShape(yShape)}`);
    const [n, , h, w] = x.shape as [number, number, number, number];
    const [o, cg, kh, kw] = filterShape;
    const [, , ho, wo] = yShape;
    const og = o / groups;
    return b.runGraph({
      kernelName: Conv2DBackpropFilter,
      // staticShapes puts x's and dy's shapes in the session's signature.
      key: attrsKey(attrs),
      inputs: [x, dy],
      outputs: [{ shape: [...filterShape], dtype: 'float32' }],
      staticShapes: true,
      build: (graph, [input, gradient]) => {
        const shape = (dims: number[]): string => graph.constant('int64', dims);
        // x → [cg, G·N, H, W]: the group's images as channels, its channels as batch.
        let images = graph.op('Reshape', [input as string, shape([n, groups, cg, h, w])]);
        images = graph.op('Transpose', [images], { perm: [2, 1, 0, 3, 4] });
        images = graph.op('Reshape', [images, shape([cg, groups * n, h, w])]);
        // dy → [G·og, N, Ho, Wo]: one kernel per output channel, over the batch.
        let kernels = graph.op('Reshape', [gradient as string, shape([n, groups, og, ho, wo])]);
        kernels = graph.op('Transpose', [kernels], { perm: [1, 2, 0, 3, 4] });
        kernels = graph.op('Reshape', [kernels, shape([o, n, ho, wo])]);
        const product = graph.op('Conv', [images, kernels], {
          strides: [...attrs.dilations],
          dilations: [...attrs.strides],
          pads: onnxPads(attrs.pads),
          group: groups,
        });
        const cropped = graph.op('Slice', [product, shape([0, 0]), shape([kh, kw]), shape([2, 3])]);
        return [graph.op('Transpose', [cropped], { perm: [1, 0, 2, 3] })];
      },
    })[0] as TensorInfo;
  },
};
