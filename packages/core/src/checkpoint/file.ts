/** Node file helpers for safetensors checkpoints (node:fs is imported on first use, not by core). */
import type { Tensor } from '../engine/tensor.js';
import type { SafetensorsContents } from './safetensors.js';
import { loadSafetensors, readSafetensorsHeaderLength, saveSafetensorsAsync } from './safetensors.js';

/**
 * Write named tensors and metadata to `path` as safetensors. The file is written next to its
 * destination and renamed into place, so a crash never leaves a half-written checkpoint.
 */
export async function saveSafetensorsFile(
  path: string,
  tensors: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const fs = await import('node:fs/promises');
  const bytes = await saveSafetensorsAsync(tensors, metadata);
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.writeFile(temporary, bytes);
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Read a safetensors file. The header length is checked against the file size (and the 100 MB
 * limit) before the file is read whole.
 */
export async function loadSafetensorsFile(path: string): Promise<SafetensorsContents> {
  const fs = await import('node:fs/promises');
  const handle = await fs.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const prefix = new Uint8Array(8);
    const { bytesRead } = await handle.read(prefix, 0, 8, 0);
    readSafetensorsHeaderLength(prefix.subarray(0, bytesRead), size);
    const bytes = new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead: n } = await handle.read(bytes, offset, size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    return loadSafetensors(bytes.subarray(0, offset));
  } finally {
    await handle.close();
  }
}
