import type { OpenAPIObject } from '@nestjs/swagger';
import {
  AMENDMENT_CHANGES_MAX,
  CODE_MAX,
  CURSOR_MAX,
  DATE_LENGTH,
  EMAIL_MAX,
  INSTANT_MAX,
  INT32_MAX,
  MILESTONES_MAX,
  MONEY_MAX_LENGTH,
  MONTH_LENGTH,
  NAME_MAX,
  NOTES_MAX,
  ORDER_LINES_MAX,
  PAGE_LIMIT_MAX,
  PHONE_MAX,
  REASON_MAX,
  REFERENCE_MAX,
  SECRET_MAX,
  URL_MAX,
  UUID_LENGTH,
} from './common/limits';
import { MAX_IMPORT_ROWS } from './integration/import.service';
import { EVENT_TYPES } from './audit/event-types';
import { MAX_MONTHS } from './reports/periods';

/**
 * The limits of what the API answers. Request schemas get theirs from the DTOs' validation
 * decorators (what is enforced is what is documented); response fields get them here, by name,
 * from the same constants: a response holds what a request was allowed to store, or what the API
 * computes (dates, money, counts). A response string whose name is not known here stops the
 * document from being built, so a new field gets a limit when it is added.
 */

type Schema = Record<string, unknown> & {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
};

const uuid = { format: 'uuid', maxLength: UUID_LENGTH };
const date = { format: 'date', maxLength: DATE_LENGTH };
const instant = { format: 'date-time', maxLength: INSTANT_MAX };
const month = { pattern: '^\\d{4}-(0[1-9]|1[0-2])$', maxLength: MONTH_LENGTH };
/**
 * Response money may be negative (refunds, variances) and, summed over a book, larger than one
 * request's amount: up to the cents a double holds exactly (2^53), 14 digits before the point.
 */
const money = { pattern: '^-?\\d{1,14}\\.\\d{2}$', maxLength: MONEY_MAX_LENGTH + 2 };

/** Response strings by property name. */
const STRINGS: Record<string, Record<string, unknown>> = {
  accountOwner: { maxLength: NAME_MAX },
  label: { maxLength: NAME_MAX },
  legalName: { maxLength: NAME_MAX },
  name: { maxLength: NAME_MAX },
  subject: { maxLength: NAME_MAX },
  title: { maxLength: NAME_MAX },
  customerReference: { maxLength: REFERENCE_MAX },
  entityId: { maxLength: REFERENCE_MAX },
  externalRef: { maxLength: REFERENCE_MAX },
  number: { maxLength: REFERENCE_MAX },
  purchaseOrderNumber: { maxLength: REFERENCE_MAX },
  reference: { maxLength: REFERENCE_MAX },
  series: { maxLength: REFERENCE_MAX },
  sku: { maxLength: REFERENCE_MAX },
  code: { maxLength: CODE_MAX },
  defaultPaymentTermsCode: { maxLength: CODE_MAX },
  paymentTermsCode: { maxLength: CODE_MAX },
  // Names of kinds: actions, entity and event types, statuses.
  action: { maxLength: REFERENCE_MAX },
  entityType: { maxLength: REFERENCE_MAX },
  eventType: { maxLength: REFERENCE_MAX },
  events: { maxLength: REFERENCE_MAX },
  status: { maxLength: REFERENCE_MAX },
  type: { maxLength: REFERENCE_MAX },
  disabledReason: { maxLength: REASON_MAX },
  lastError: { maxLength: REASON_MAX },
  reason: { maxLength: REASON_MAX },
  reversalReason: { maxLength: REASON_MAX },
  body: { maxLength: NOTES_MAX },
  email: { format: 'email', maxLength: EMAIL_MAX },
  phone: { maxLength: PHONE_MAX },
  ssoStartUrl: { format: 'uri-reference', maxLength: URL_MAX },
  url: { format: 'uri', maxLength: URL_MAX },
  csrfToken: { maxLength: SECRET_MAX },
  key: { maxLength: SECRET_MAX },
  keyPrefix: { maxLength: SECRET_MAX },
  setupToken: { maxLength: SECRET_MAX },
  nextCursor: { maxLength: CURSOR_MAX },
  country: { pattern: '^[A-Z]{2}$', maxLength: 2 },
  eventId: { pattern: '^\\d+$', maxLength: 20 },
  // A period of a report: a month YYYY-MM or a quarter YYYY-Qn; from and to: dates or months.
  period: { pattern: '^\\d{4}-(\\d{2}|Q[1-4])$', maxLength: 7 },
  from: { maxLength: DATE_LENGTH },
  to: { maxLength: DATE_LENGTH },
  asOf: date,
  shipDate: date,
  optionExerciseBy: date,
  at: instant,
  failingSince: instant,
  month,
  earliestCompletionMonth: month,
  projectedShipMonth: month,
  amount: money,
  cashReceived: money,
  listPrice: money,
  notDue: money,
  over90: money,
  days1to30: money,
  days31to60: money,
  days61to90: money,
  receivable: money,
  refunded: money,
  total: money,
  trueUp: money,
  pricePerThs: money,
  unappliedCredit: money,
  unitPrice: money,
  value: money,
};

function stringRule(name: string): Record<string, unknown> | undefined {
  if (STRINGS[name]) return STRINGS[name];
  if (name === 'id' || /^[a-z]+(?:[A-Z][a-z]+)*Id$/.test(name)) return uuid;
  if (/On$/.test(name)) return date;
  if (/At$/.test(name)) return instant;
  if (/(Value|Revenue|Liability|Receivable|Amount|Cash)$/.test(name)) return money;
  return undefined;
}

/** A long list in an answer: no more rows than the book designed for holds tranches (10 million). */
const ROWS_MAX = 10_000_000;

/** Response arrays by property name. */
const ARRAYS: Record<string, number> = {
  items: PAGE_LIMIT_MAX,
  periods: MAX_MONTHS,
  months: MAX_MONTHS,
  events: EVENT_TYPES.length + 1,
  milestones: MILESTONES_MAX,
  orders: MAX_IMPORT_ROWS,
  payments: MAX_IMPORT_ROWS,
  shipments: MAX_IMPORT_ROWS,
  changes: AMENDMENT_CHANGES_MAX,
  groups: ROWS_MAX,
  lines: ORDER_LINES_MAX,
  plannedUnits: ROWS_MAX,
  tranches: ROWS_MAX,
};

/** Response integers with bounds tighter than any exact integer. */
const INTEGERS: Record<string, [number, number]> = {
  version: [1, INT32_MAX],
  probability: [0, 100],
  depositDueDays: [-3650, 3650],
  dueDaysFromShip: [-3650, 3650],
  powerW: [1, INT32_MAX],
  lastStatusCode: [100, 599],
  sequence: [1, INT32_MAX],
  trancheSequence: [1, INT32_MAX],
  attempts: [0, INT32_MAX],
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function refsIn(node: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => refsIn(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.add(value.split('/').pop()!);
      else refsIn(value, found);
    }
  }
  return found;
}

/** The component schemas a request can carry (bodies and parameters), with what they refer to. */
function requestSchemas(document: OpenAPIObject): Set<string> {
  const roots = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      refsIn(operation.requestBody, roots);
      refsIn(operation.parameters, roots);
    }
  }
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    refsIn(schemas[name], new Set()).forEach((ref) => stack.push(ref));
  }
  return seen;
}

/** Integers: the format follows from the bounds (int32 when they fit). */
function integerFormat(schema: Schema): void {
  if (schema.type !== 'integer' || schema.format) return;
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  const int32 = min !== undefined && max !== undefined && min >= -INT32_MAX - 1 && max <= INT32_MAX;
  schema.format = int32 ? 'int32' : 'int64';
}

function walk(
  schema: Schema | undefined,
  visit: (schema: Schema, name: string) => void,
  name = '',
) {
  if (!schema || typeof schema !== 'object' || schema.$ref) return;
  visit(schema, name);
  for (const [property, child] of Object.entries(schema.properties ?? {}))
    walk(child, visit, property);
  walk(schema.items, visit, name);
  for (const list of [schema.allOf, schema.oneOf, schema.anyOf])
    list?.forEach((s) => walk(s, visit, name));
  if (typeof schema.additionalProperties === 'object')
    walk(schema.additionalProperties, visit, name);
}

function responseLimits(schema: Schema, name: string, unknown: Set<string>): void {
  if (schema.type === 'string' && schema.maxLength === undefined && !schema.enum) {
    const rule = stringRule(name);
    if (rule) Object.assign(schema, rule);
    else unknown.add(name || '(unnamed)');
  } else if (schema.type === 'array' && schema.maxItems === undefined) {
    schema.maxItems = ARRAYS[name] ?? ROWS_MAX;
  } else if (schema.type === 'integer' && schema.maximum === undefined) {
    const [minimum, maximum] = INTEGERS[name] ?? [
      -Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER,
    ];
    schema.minimum = schema.minimum ?? minimum;
    schema.maximum = maximum;
  }
  integerFormat(schema);
}

export function documentLimits(document: OpenAPIObject): void {
  const requests = requestSchemas(document);
  const unknown = new Set<string>();
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  for (const [component, schema] of Object.entries(schemas)) {
    if (requests.has(component)) walk(schema, integerFormat);
    else walk(schema, (s, name) => responseLimits(s, name, unknown));
  }
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      for (const parameter of operation.parameters ?? []) {
        if ('schema' in parameter) walk(parameter.schema as Schema, integerFormat);
      }
      for (const body of Object.values(
        (operation.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
          ?.content ?? {},
      ))
        walk(body.schema, integerFormat);
      for (const response of Object.values(operation.responses)) {
        for (const media of Object.values(
          (response as { content?: Record<string, { schema?: Schema }> }).content ?? {},
        ))
          walk(media.schema, (s, name) => responseLimits(s, name, unknown));
      }
    }
  }
  if (unknown.size > 0) {
    throw new Error(
      `Response strings without a documented limit (add them to src/openapi-limits.ts): ${[...unknown].sort().join(', ')}`,
    );
  }
}
