import { AppError } from '@bulkhead/contracts';

/** What simulation refuses: input that is not one well-formed simulate document. */
export type SimulateErrorCode = 'simulate.invalid';

export class SimulateError extends AppError<SimulateErrorCode> {}
