import { FerryError, type FerryErrorOptions } from '../../errors/ferry-error.ts';

/** Stable codes; new ones are appended, existing ones never change meaning. */
export const NotifyErrorCode = {
  /** `notify()` after `stop()`: the process is shutting down and takes no new deliveries. */
  Stopped: 'FERRY_E_NOTIFY_STOPPED',
} as const;

export type NotifyErrorCodeValue = (typeof NotifyErrorCode)[keyof typeof NotifyErrorCode];

export class NotifyError extends FerryError {
  declare readonly code: NotifyErrorCodeValue;
  constructor(code: NotifyErrorCodeValue, message: string, options: FerryErrorOptions = {}) {
    super(code, message, options);
  }
}
