/** Error codes that cross every transport (IPC, HTTP, CLI). Never a stack trace. */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'busy'
  | 'cancelled'
  | 'unauthorized'
  | 'forbidden'
  | 'io'
  | 'unsupported'
  | 'internal';

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** The input field, file or file:line the error is about, when there is one. */
  field?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = field;
  }
  toPayload(): ErrorPayload {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/** Reduces anything thrown to the payload that may cross a boundary (Actual's coerceError). */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof AppError) return error.toPayload();
  if (isErrorPayload(error)) return error;
  if (error instanceof Error && error.name === 'AbortError')
    return { code: 'cancelled', message: 'cancelled' };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: message.split('\n')[0] ?? 'internal error' };
}

const ERROR_CODES: readonly string[] = [
  'invalid_input',
  'not_found',
  'conflict',
  'busy',
  'cancelled',
  'unauthorized',
  'forbidden',
  'io',
  'unsupported',
  'internal',
] satisfies ErrorCode[];

/** A payload that crossed a boundary (not any object with a `code`, such as Node's system errors). */
export function isErrorPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    ERROR_CODES.includes((value as ErrorPayload).code) &&
    typeof (value as ErrorPayload).message === 'string'
  );
}

export function fromErrorPayload(payload: ErrorPayload): AppError {
  return new AppError(payload.code, payload.message, payload.field);
}
