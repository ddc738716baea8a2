/** Why a simulator operation was refused (mapped to 404 / 409 / 400 by the control API). */
export type SimulatorErrorCode = 'not_found' | 'conflict' | 'invalid';

/** A refused mutation or lookup on the simulator's own API (not a Graph error). */
export class SimulatorError extends Error {
  override readonly name = 'SimulatorError';

  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
  ) {
    super(message);
  }
}
