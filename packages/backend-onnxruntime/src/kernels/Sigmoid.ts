import type { KernelConfig } from '@parvus/core';
import { Sigmoid, sizeOf } from '@parvus/core';
import { BACKEND_NAME, DOUBLE, FLOAT, unaryKernel } from './kernel-helpers.js';
import { sleefExp } from './sleef-exp.js';

/** torch's sigmoid loop takes 2 × 8 floats per vector step (AVX2); the rest go through libm's expf. */
const BLOCK = 16;

/**
 * 1 / (1 + exp(−x)) in float32, bit for bit as torch 1.13 on AVX2 (the reference backend's rule):
 * SLEEF's exp for the first n − n mod 16 elements of the flattened tensor, a correctly rounded exp
 * (float64, rounded once) for the tail. The graph depends on n, so it is cached per shape.
 * WebGPU runs ONNX Sigmoid.
 */
export const sigmoidConfig: KernelConfig = {
  kernelName: Sigmoid,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Sigmoid, {
    shapeDependent: true,
    float32: (graph, x, { float64, shape }) => {
      if (!float64) return graph.op('Sigmoid', [x]);
      const one = graph.scalar('float32', 1);
      const negated = graph.op('Neg', [x]);
      const sigmoidOf = (e: string): string => graph.op('Div', [one, graph.op('Add', [one, e])]);
      const vector = sigmoidOf(sleefExp(graph, negated));
      const n = sizeOf(shape);
      const vectorEnd = n - (n % BLOCK);
      if (vectorEnd === n) return vector;
      const tail = sigmoidOf(graph.op('Cast', [graph.op('Exp', [graph.op('Cast', [negated], { to: DOUBLE })])], { to: FLOAT }));
      if (vectorEnd === 0) return tail;
      const index = graph.op('Range', [graph.scalar('int64', 0), graph.scalar('int64', n), graph.scalar('int64', 1)]);
      const inVector = graph.op('Reshape', [graph.op('Less', [index, graph.scalar('int64', vectorEnd)]), graph.op('Shape', [x])]);
      // The tail is Where's second operand: onnxruntime's Where loses a −0 taken from the first (none arise here).
      return graph.op('Where', [inVector, vector, tail]);
    },
  }),
};
