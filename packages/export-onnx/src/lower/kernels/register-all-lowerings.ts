/** Every kernel lowering by kernel name (a merge of the per-category tables, nothing else). */
import { elementwiseLowerings } from './elementwise.js';
import type { KernelLowering } from './kernel-lowering.js';
import { layoutLowerings } from './layout.js';
import { linearLowerings } from './linear.js';
import { poolLowerings } from './pool.js';
import { quantizeLowerings } from './quantize.js';
import { reduceLowerings } from './reduce.js';

export const kernelLowerings: Readonly<Record<string, KernelLowering>> = {
  ...elementwiseLowerings,
  ...layoutLowerings,
  ...linearLowerings,
  ...poolLowerings,
  ...quantizeLowerings,
  ...reduceLowerings,
};

/** Why a kernel on the data path has no lowering. */
export function unsupportedKernelReason(kernelName: string): string {
  if (kernelName === 'KthValue') {
    return "its forward runs 'KthValue' (a percentile statistic) on values computed from the input; in eval mode quantizer statistics must be constants";
  }
  if (/Grad$|Backprop(Filter)$/.test(kernelName)) return `its forward runs the gradient kernel '${kernelName}', which inference graphs do not contain`;
  return `its forward runs kernel '${kernelName}' on values computed from the input, and @parvus/export-onnx has no ONNX lowering for it`;
}
