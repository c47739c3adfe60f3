export interface FieldError {
  path: string;
  message: string;
}

/**
 * The errors services throw. Each carries a stable `code` and the HTTP status the API maps it to;
 * services never throw HTTP exceptions, so the CLI and workers can call them too.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    /** Members the problem body carries beside the standard ones (e.g. `existingId`). */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: invalid in itself. */
export class ValidationFailedError extends DomainError {
  constructor(message: string, errors: FieldError[] = [], code = 'VALIDATION_FAILED') {
    super(400, code, message, errors);
  }
}

/** 404: an unknown id in the path. */
export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super(404, 'NOT_FOUND', `${entity} ${id} does not exist`);
  }
}

/** 409: conflicts with the target's current state. */
export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

/**
 * 409 DUPLICATE: a business key (an externalRef) is already used; `existingId` names the record
 * that holds it, so a client re-sending what it already sent can pick that record up.
 */
export class DuplicateError extends DomainError {
  constructor(entity: string, key: string, value: string, existingId: string) {
    super(409, 'DUPLICATE', `${entity} ${existingId} already has ${key} ${value}`, undefined, {
      existingId,
    });
  }
}

export class InvalidStateError extends ConflictError {
  constructor(message: string) {
    super('INVALID_STATE', message);
  }
}

/** 412: the If-Match version is not the current one. */
export class PreconditionFailedError extends DomainError {
  constructor(current: number) {
    super(412, 'VERSION_MISMATCH', `The resource has changed: its current version is ${current}`);
  }
}

/** 422: valid in itself but refers to something that does not allow it. */
export class UnprocessableError extends DomainError {
  constructor(code: string, message: string, errors?: FieldError[]) {
    super(422, code, message, errors);
  }
}

export class ReferenceNotFoundError extends UnprocessableError {
  constructor(path: string, entity: string, id: string) {
    super('REFERENCE_NOT_FOUND', `${entity} ${id} does not exist`, [
      { path, message: `${entity} ${id} does not exist` },
    ]);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'A valid API key is required (X-API-Key or Authorization: Bearer)') {
    super(401, 'UNAUTHORIZED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(403, 'FORBIDDEN', message);
  }
}
