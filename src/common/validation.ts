import {
  applyDecorators,
  ArgumentMetadata,
  Injectable,
  PipeTransform,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsUUID } from 'class-validator';
import { DomainError, FieldError, ValidationFailedError } from './errors';
import { UUID_LENGTH } from './limits';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const key = /^\d+$/.test(error.property) ? `[${error.property}]` : error.property;
    const path = parent ? (key.startsWith('[') ? `${parent}${key}` : `${parent}.${key}`) : key;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      message: message.replace(/^property (\S+) should not exist$/, 'is not a known field'),
    }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** Whitelisting, transforming validation whose failures become 400 problems with field paths. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return new ValidationFailedError(
        fieldErrors.map((e) => `${e.path}: ${e.message}`).join('; ') || 'The request is invalid',
        fieldErrors,
      );
    },
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a uuid names nothing that exists: 404, like any unknown id. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  constructor(private readonly entity = 'Resource') {}

  transform(value: string, _metadata: ArgumentMetadata): string {
    // The value is not repeated: it is whatever the caller put in the URL.
    if (!UUID.test(value))
      throw new DomainError(404, 'NOT_FOUND', `${this.entity} not found: the id is not a uuid`);
    return value.toLowerCase();
  }
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** At most `max` items in a request's array, documented as `maxItems`. */
export const MaxItems = (max: number) =>
  applyDecorators(ArrayMaxSize(max), ApiProperty({ maxItems: max }));

/** An id in a request: a uuid, documented as one. */
export const IsId = () =>
  applyDecorators(IsUUID(), ApiProperty({ format: 'uuid', maxLength: UUID_LENGTH }));
