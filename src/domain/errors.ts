/** Codes listeners turn into a private message or a field error; anything else is unexpected. */
export type DomainErrorCode = 'ROTATION_NOT_FOUND' | 'ROTATION_EXISTS' | 'STORE_UNAVAILABLE' | 'UNSUPPORTED_SCHEMA';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isDomainError(error: unknown, code?: DomainErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}
