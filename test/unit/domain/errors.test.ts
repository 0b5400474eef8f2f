import { CodedError, isCodedError } from '../../../src/domain/errors';

describe('CodedError', () => {
  it('given a fault with a cause, when made, then it is an Error named CodedError with its code, message and cause', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const error = new CodedError('STORE_UNAVAILABLE', 'The store did not answer', { cause });

    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.cause).toBe(cause);
    // The name is what a log line and start-up's one readable line print before the message.
    expect(error.name).toBe('CodedError');
    expect(String(error)).toBe('CodedError: The store did not answer');
  });
});

describe('isCodedError', () => {
  const busy = new CodedError('STORE_BUSY', 'Another writer held ROT-4F7K2Q');

  it('given a CodedError and no code, when checked, then it is one, whatever its code', () => {
    expect(isCodedError(busy)).toBe(true);
    expect(isCodedError(new CodedError('CONFIG_INVALID', 'WFI_APPROVERS is empty'))).toBe(true);
  });

  it('given a CodedError and its own code, when checked, then it is one', () => {
    expect(isCodedError(busy, 'STORE_BUSY')).toBe(true);
  });

  it('given a CodedError and another code, when checked, then it is not: a caller switching on ROTATION_EXISTS must not catch STORE_BUSY', () => {
    expect(isCodedError(busy, 'ROTATION_EXISTS')).toBe(false);
    expect(isCodedError(busy, 'STORE_UNAVAILABLE')).toBe(false);
  });

  it('given something else that carries a code, when checked, then it is not a CodedError, with or without the code', () => {
    // A driver's error has a code too (ECONNREFUSED, or even a look-alike): only the bot's own faults count.
    const lookAlike = Object.assign(new Error('busy'), { code: 'STORE_BUSY', name: 'CodedError' });

    expect(isCodedError(lookAlike)).toBe(false);
    expect(isCodedError(lookAlike, 'STORE_BUSY')).toBe(false);
    expect(isCodedError({ code: 'STORE_BUSY' }, 'STORE_BUSY')).toBe(false);
    expect(isCodedError(undefined)).toBe(false);
  });
});
