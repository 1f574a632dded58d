import type { FastifyError, FastifyInstance } from 'fastify';
import { EventValidationError, type FieldError } from '../../core/events/errors.ts';
import { ProviderError } from '../../integrations/provider.ts';
import { problem, sendProblem } from '../problem.ts';

/**
 * What each use-case error means over HTTP, by its `code`: routes throw, this one table answers.
 * A provider's refusal reaching a request (listing calendars, connecting) is the person's to
 * fix (reconnect, another server), so it is a 422 that says what the provider answered.
 */
const STATUS_BY_CODE: Record<string, number> = {
  not_found: 404, // app/errors.ts NotFoundError
  connect_failed: 422, // app/connections.ts ConnectError
  event_cancelled: 409, // app/visitors.ts EventCancelledError
  not_cancelled: 409, // core/events/errors.ts EventNotCancelledError (restore)
  invalid_choice: 400, // app/busy-calendars.ts BusyCalendarChoiceError
};

/** The use-case error as a problem, or null when it is not one of ours. */
export function problemForError(error: unknown) {
  if (error instanceof ProviderError) return problem(422, `the calendar provider answered: ${error.message}`);
  const code = (error as { code?: unknown })?.code;
  const status = typeof code === 'string' ? STATUS_BY_CODE[code] : undefined;
  if (!status) return null;
  const field = (error as { field?: unknown }).field;
  const message = (error as Error).message;
  return problem(status, message, typeof field === 'string' ? [{ field, message }] : undefined);
}

interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Turns schema validation output into one line per field, naming the field. */
function fieldErrors(context: string | undefined, errors: AjvError[]): FieldError[] {
  return errors.map((e) => {
    const base = (e.instancePath ?? '').replace(/^\//, '');
    if (e.keyword === 'additionalProperties') {
      const name = String(e.params?.additionalProperty ?? '');
      return { field: base ? `${base}/${name}` : name, message: 'is not a known field' };
    }
    if (e.keyword === 'required') {
      const name = String(e.params?.missingProperty ?? '');
      return { field: base ? `${base}/${name}` : name, message: 'is required' };
    }
    return { field: base || (context ?? 'body'), message: e.message ?? 'is invalid' };
  });
}

/**
 * One error handler for the whole app: every 4xx is a problem document that says what was
 * wrong; a 5xx says nothing about the internals (details go to the log only).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { validation?: AjvError[]; validationContext?: string }, request, reply) => {
    if (error.validation) {
      const where = error.validationContext ?? 'body';
      return sendProblem(reply, problem(400, `the request ${where} is invalid`, fieldErrors(where, error.validation)));
    }
    if (error instanceof EventValidationError) {
      return sendProblem(reply, problem(422, 'the event breaks a rule', error.errors));
    }
    const known = problemForError(error);
    if (known) return sendProblem(reply, known);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const detail =
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
          ? 'the body is not valid JSON'
          : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'the body is too large'
            : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
              ? 'send the body as application/json'
              : error.message;
      return sendProblem(reply, problem(status, detail));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, problem(500, 'something went wrong on our side; it has been logged'));
  });

  app.setNotFoundHandler((request, reply) => sendProblem(reply, problem(404, `no route ${request.method} ${request.url.split('?')[0]}`)));
}
