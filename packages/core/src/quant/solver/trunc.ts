/** Brevitas's brevitas.quant.solver.trunc: accumulator truncation (TruncAvgPool). */
import { REQUIRED, computed, fragment } from '../../inject/index.js';
import * as core from '../../quant-core/index.js';
import { QuantType, isMember } from '../enums.js';
import { SolveBitWidthImplFromEnum, SolveTensorQuantFloatToIntImplFromEnum } from './common.js';

export const TruncQuantSolver = fragment(
  'TruncQuantSolver',
  {
    tensorQuant: computed({ quantType: REQUIRED }, ({ quantType }) => (isMember(quantType, QuantType.INT) ? core.TruncIntQuant : null)),
    narrowRange: false,
  },
  SolveBitWidthImplFromEnum,
  SolveTensorQuantFloatToIntImplFromEnum,
);
