// Datasets and batching.
export { TensorDataset } from './dataset.js';
export type { Dataset, FieldSpec, FieldValue } from './dataset.js';
export { DataLoader } from './dataloader.js';
export type { DataLoaderOptions } from './dataloader.js';
export { randperm } from './sampler.js';
