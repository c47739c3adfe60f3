import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { registerDecorator } from 'class-validator';
import { UnprocessableError, ValidationFailedError } from './errors';
import { DATE_LENGTH, MONTH_LENGTH } from './limits';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD. */
export function isDateOnly(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** A formatter per time zone: making one costs far more than formatting with it. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** Today's calendar date in `timeZone` (services ask the Clock, which knows the business's). */
export function today(timeZone = 'UTC'): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  return format.format(new Date());
}

/** 'YYYY-MM-DD' + n days, computed in UTC so no time zone can shift the date. */
export function addDays(date: string, days: number): string {
  const match = DATE.exec(date);
  if (!match) throw new RangeError(`Not a date: ${date}`);
  if (days === 0) return date;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
  return new Date(ms).toISOString().slice(0, 10);
}

export function IsDateOnly(options: { optional?: boolean; description?: string } = {}) {
  const doc = {
    type: 'string' as const,
    format: 'date',
    maxLength: DATE_LENGTH,
    example: '2021-03-20',
    description: options.description,
  };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isDateOnly',
        target: target.constructor,
        propertyName: propertyName as string,
        options: { message: `${String(propertyName)} must be a calendar date YYYY-MM-DD` },
        validator: { validate: (value: unknown) => isDateOnly(value) },
      }),
  );
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A calendar month written YYYY-MM. */
export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH.test(value);
}

/** A calendar month written YYYY-MM. */
export function IsMonth(options: { optional?: boolean; description?: string } = {}) {
  return (target: object, propertyName: string) => {
    ApiProperty({
      type: 'string',
      example: '2026-03',
      pattern: MONTH.source,
      maxLength: MONTH_LENGTH,
      required: !options.optional,
      description: options.description,
    })(target, propertyName);
    registerDecorator({
      name: 'isMonth',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a month YYYY-MM` },
      validator: { validate: (value: unknown) => isMonth(value) },
    });
  };
}

/** 400 unless `from` ≤ `to` (either may be absent): the range of a query, in dates or months. */
export function assertOrderedRange(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && from > to) {
    throw new ValidationFailedError('to: must not be before from', [
      { path: 'to', message: 'must not be before from' },
    ]);
  }
}

/**
 * 422 `code` unless `earliest` ≤ `date` ≤ `latest`: a business date (an amendment's effective
 * date, a shipment's or a payment's) within what its order allows, from signing until today.
 */
export function assertDateWithin(
  date: string,
  path: string,
  bounds: { earliest: string; latest: string; earliestName: string; latestName: string },
  code: string,
): void {
  const { earliest, latest } = bounds;
  if (date < earliest || date > latest) {
    throw new UnprocessableError(
      code,
      `${path} must lie between ${bounds.earliestName} ${earliest} and ${bounds.latestName} ${latest}`,
      [{ path, message: `must lie between ${earliest} and ${latest}` }],
    );
  }
}
