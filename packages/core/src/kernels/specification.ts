/**
 * Version of the kernel contract (kernel names, inputs, attributes, semantics). A backend states the
 * version it implements; the engine refuses a backend whose major version differs from core's.
 */
export const KERNEL_SPECIFICATION_VERSION = 1;
