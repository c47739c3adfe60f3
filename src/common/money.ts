import { ValidationOptions, registerDecorator } from 'class-validator';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { MONEY_MAX_LENGTH } from './limits';

const MONEY = /^-?\d{1,13}\.\d{2}$/;

/** "3060.00" → 306000. Exact: no floating point on the way. */
export function parseMoney(value: string): number {
  if (!MONEY.test(value)) throw new Error(`Not a money amount: ${value}`);
  const negative = value.startsWith('-');
  const [units, cents] = value.replace('-', '').split('.');
  const total = Number(units) * 100 + Number(cents);
  return negative ? -total : total;
}

/** 306000 → "3060.00". */
export function formatMoney(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new Error(`Not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function isMoney(value: unknown): value is string {
  return typeof value === 'string' && MONEY.test(value);
}

/**
 * A money field: a decimal string with exactly two decimals, USD. `positive` refuses zero and
 * negatives; otherwise zero is allowed and negatives are not.
 */
export function IsMoney(
  options: { positive?: boolean; description?: string } = {},
  validation?: ValidationOptions,
) {
  return applyDecorators(
    ApiProperty({
      type: 'string',
      pattern: '^\\d{1,13}\\.\\d{2}$',
      maxLength: MONEY_MAX_LENGTH,
      example: '3060.00',
      description: options.description ?? 'Money: USD, a decimal string with exactly two decimals',
    }),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isMoney',
        target: target.constructor,
        propertyName: propertyName as string,
        options: {
          message: `${String(propertyName)} must be an amount with exactly two decimals, e.g. "3060.00"${options.positive ? ', greater than zero' : ''}`,
          ...validation,
        },
        validator: {
          validate(value: unknown) {
            if (!isMoney(value) || value.startsWith('-')) return false;
            return options.positive ? parseMoney(value) > 0 : true;
          },
        },
      }),
  );
}
