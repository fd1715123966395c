/**
 * oracle64: an independent float64 implementation of every kernel of the contract, written as plain
 * loops over Float64Arrays. It shares no code with @parvus/core or any backend, so that a
 * conformance failure means the backend (or core) disagrees with the mathematics, not with itself.
 */
export * from './array64.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './layout.js';
export * from './matmul.js';
export * from './conv.js';
export * from './pool.js';
export * from './quantize.js';
export * from './activation.js';
export * from './finite-difference.js';
