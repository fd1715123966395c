import type { KernelConfig } from '@parvus/core';
import { Div } from '@parvus/core';
import { BACKEND_NAME, arithmeticKernel } from './kernel-helpers.js';

/** True division; core only dispatches it on float32. */
export const divConfig: KernelConfig = {
  kernelName: Div,
  backendName: BACKEND_NAME,
  kernelFunc: arithmeticKernel(Div, 'Div', ['float32']),
};
