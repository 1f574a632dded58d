/** The thing asked for does not exist (or is not visible to the caller). */
export class NotFoundError extends Error {
  readonly code = 'not_found';
}
