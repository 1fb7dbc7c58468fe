/**
 * A KeydriftError means keydrift could not do its job (bad input, no access): the CLI
 * prints its message as one line and exits 2. Messages must never include secret values.
 */
export class KeydriftError extends Error {
  override readonly name = 'KeydriftError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isKeydriftError(e: unknown): e is KeydriftError {
  return e instanceof KeydriftError;
}
