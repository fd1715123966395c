/**
 * Test ids of the Brevitas fixtures: 'Brevitas/<file>/<case>' (`Brevitas/act_quantizers/Int8ActPerTensorFloat`),
 * with the list a case comes from when a file has several (`Brevitas/errors/silently_accepted/bit_width_zero_accepted`,
 * `Brevitas/layers/functional/qt_mul`, `Brevitas/module_repr_state_dict/repr/QuantReLU_default`,
 * `Brevitas/module_repr_state_dict/state_dict/QuantIdentity`).
 */
export function brevitasTestId(file: string, ...path: string[]): string {
  return ['Brevitas', file.replace(/\.json$/, ''), ...path].join('/');
}
