import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';

/** The image cannot be converted as asked (a zstd layer for schema 2, an artifact, undecodable content): exit 1. */
export class ConversionError extends FerryError {
  constructor(message: string) {
    super(ErrorCode.UnsupportedConversion, message);
  }
}
