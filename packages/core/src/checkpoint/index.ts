// Checkpoints: safetensors bytes and files.
export {
  SafetensorsError,
  SAFETENSORS_MAX_HEADER_BYTES,
  loadSafetensors,
  parseSafetensorsHeader,
  readSafetensorsHeaderLength,
  saveSafetensors,
  saveSafetensorsAsync,
} from './safetensors.js';
export type { SafetensorsContents, SafetensorsEntry, SafetensorsHeader } from './safetensors.js';
export { loadSafetensorsFile, saveSafetensorsFile } from './file.js';
