/** One problem with one input field, as reported to API clients. */
export interface FieldError {
  field: string;
  message: string;
}

/** Input that breaks a domain rule; the HTTP layer turns it into a 422 problem. */
export class EventValidationError extends Error {
  readonly code = 'invalid_event';
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.errors = errors;
  }
}

/** Restoring an event that is not cancelled: nothing to undo (HTTP 409). */
export class EventNotCancelledError extends Error {
  readonly code = 'not_cancelled';
}
