/**
 * A problem the person at the terminal can fix: the CLI prints its message alone, on one line,
 * and exits 1 (no stack trace, even without --verbose). The message says what to do.
 */
export class UserError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UserError';
  }
}
