import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PUBLIC_EXTENSION } from './access/roles.decorator';
import { MAX_PATH_PARAM_LENGTH } from './common/http-layer';
import {
  DETAIL_MAX,
  FIELD_ERRORS_MAX,
  IF_MATCH_MAX,
  INT32_MAX,
  NAME_MAX,
  REFERENCE_MAX,
  URL_MAX,
  UUID_LENGTH,
} from './common/limits';
import { documentLimits } from './openapi-limits';

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      maxLength: URL_MAX,
      example: 'https://hashbook.dev/problems/validation-failed',
    },
    title: { type: 'string', maxLength: NAME_MAX, example: 'Bad Request' },
    status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 400 },
    detail: { type: 'string', maxLength: DETAIL_MAX },
    code: {
      type: 'string',
      pattern: '^[A-Z][A-Z0-9_]*$',
      maxLength: REFERENCE_MAX,
      example: 'VALIDATION_FAILED',
      description: 'Stable SCREAMING_SNAKE code',
    },
    errors: {
      type: 'array',
      maxItems: FIELD_ERRORS_MAX,
      items: {
        type: 'object',
        properties: {
          path: { type: 'string', maxLength: NAME_MAX, example: 'lines[0].unitPrice' },
          message: { type: 'string', maxLength: DETAIL_MAX },
          row: {
            type: 'integer',
            format: 'int32',
            minimum: 0,
            maximum: INT32_MAX,
            description: 'On IMPORT_INVALID: the row (CSV) or element (JSON) at fault',
          },
        },
      },
    },
    existingId: {
      type: 'string',
      format: 'uuid',
      maxLength: UUID_LENGTH,
      description: 'On DUPLICATE: the record that already holds the business key',
    },
    requestId: { type: 'string', pattern: '^[A-Za-z0-9._-]+$', maxLength: 64 },
  },
};

/** The rate-limit headers every answer carries while rate limiting is on (RATE_LIMIT_PER_MINUTE > 0). */
const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': {
    description: 'Requests allowed a minute for this API key (anonymous: this address)',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: INT32_MAX },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left in the current minute',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: INT32_MAX },
  },
  'X-RateLimit-Reset': {
    description: 'Seconds until the current minute ends and the count starts again',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 60 },
  },
};

const RETRY_AFTER = {
  description: 'Seconds to wait before retrying',
  schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 },
};

/** What each tag groups, shown by the Swagger UI. */
const TAGS: Record<string, string> = {
  'api-keys': 'API keys for programs (admin)',
  auth: 'Sign-in, sessions, single sign-on and passwords of people',
  users: 'People who sign in, and their roles (admin)',
  audit: 'The audit log of every change',
  events: 'The change feed ERP systems follow',
  'product-models': 'The product line: models, list prices, hashrate and power',
  customers: 'Institutional customers',
  contacts: 'People at a customer',
  activities: 'Calls, meetings, notes and tasks with customers',
  opportunities: 'The sales pipeline, up to conversion into a purchase order',
  'payment-terms': 'Deposit and milestone terms orders are billed by',
  'purchase-orders':
    'Orders, their lines and monthly tranches, amendments, billing, payments and refunds',
  shipments: 'Units shipped against tranches',
  payments: 'Payments received, by external reference',
  planning: 'Production capacity, the delivery plan and availability',
  reports: 'Backlog, forecasts, bookings, balances and receivables, as of any date',
  imports: 'Bulk import of orders, shipments and payments (CSV or JSON)',
  webhooks: 'Signed webhooks and their deliveries',
};
const DESCRIPTIONS: Record<string, string> = {
  '400': 'Invalid request (validation errors carry field paths)',
  '401': 'No API key or session, or an unknown, revoked or ended one',
  '403': "The caller's role may not do this, or a session's write came without its X-CSRF-Token",
  '404': 'Unknown id in the path',
  '409':
    'Conflicts with the current state (duplicate, illegal transition, reused Idempotency-Key …)',
  '412': 'If-Match names a version that is not the current one',
  '422': 'Refers to something that does not allow it (e.g. REFERENCE_NOT_FOUND)',
  '413': 'The body is over the limit: 1 MB of JSON, 50 MB on the import routes (PAYLOAD_TOO_LARGE)',
  '415': 'The body is not JSON (the import routes also take text/csv): UNSUPPORTED_MEDIA_TYPE',
  '429': 'Rate limited; at sign-in, too many failed attempts for the email (TOO_MANY_ATTEMPTS)',
  '500':
    'An unexpected failure; it has been logged and the answer says nothing more (INTERNAL_ERROR)',
  '503':
    'The database cannot be reached (DATABASE_UNAVAILABLE); retry later, a write with the same Idempotency-Key',
};

/** Operations that need no key or session carry no security requirement. */
function markPublicOperations(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method] as
        (Record<string, unknown> & { security?: unknown }) | undefined;
      if (!operation?.[PUBLIC_EXTENSION]) continue;
      delete operation[PUBLIC_EXTENSION];
      operation.security = [];
    }
  }
}

/**
 * The problem+json answers each kind of operation can give, documented in one place: 400, 401,
 * 429, 500 and 503 everywhere; 403 where a key or session is needed; 404 with an id in the path; 409
 * and 422 on writes; 412 where If-Match is honoured; 413 and 415 where a body is read. Routes add
 * their own specific ones with `@ApiProblems`.
 */
function addProblemResponses(document: OpenAPIObject): void {
  document.components = document.components ?? {};
  document.components.schemas = { ...(document.components.schemas ?? {}), Problem: PROBLEM_SCHEMA };
  for (const [path, item] of Object.entries(document.paths)) {
    const hasId = path.includes('{');
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      const codes = ['400', '401', '429', '500', '503'];
      if (!isPublic) codes.push('403');
      if (hasId) codes.push('404');
      if (method !== 'get') codes.push('409', '422', '413', '415');
      if (method === 'patch' || path.endsWith('/amendments') || path.endsWith('/cancel'))
        codes.push('412');
      for (const code of codes) {
        operation.responses[code] = operation.responses[code] ?? {
          description: DESCRIPTIONS[code],
          content: {
            'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
          },
        };
      }
    }
  }
}

/** Every answer documents the rate-limit headers; a 429 also Retry-After. */
function addRateLimitHeaders(document: OpenAPIObject): void {
  document.components!.headers = {
    ...(document.components!.headers ?? {}),
    ...RATE_LIMIT_HEADERS,
    'Retry-After': RETRY_AFTER,
  };
  const refs = Object.fromEntries(
    Object.keys(RATE_LIMIT_HEADERS).map((name) => [name, { $ref: `#/components/headers/${name}` }]),
  );
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!response || !/^[24]/.test(status) || '$ref' in response) continue;
        response.headers = { ...refs, ...(response.headers ?? {}) };
        if (status === '429')
          response.headers['Retry-After'] = { $ref: '#/components/headers/Retry-After' };
      }
    }
  }
}

/**
 * Parameters Nest documents from `@Param` and `@Headers` without a schema of limits: ids (a uuid,
 * anything else is 404), other path segments (the router refuses longer ones with 414) and If-Match.
 */
function documentRawParameters(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      for (const parameter of item[method]?.parameters ?? []) {
        if ('$ref' in parameter) continue;
        const schema = (parameter.schema ?? {}) as Record<string, unknown>;
        if (schema.type !== 'string' || schema.maxLength !== undefined || schema.enum) continue;
        if (parameter.in === 'path' && /^(id|[a-z]+Id)$/.test(parameter.name)) {
          Object.assign(schema, { format: 'uuid', maxLength: UUID_LENGTH });
        } else if (parameter.in === 'path') {
          Object.assign(schema, { maxLength: MAX_PATH_PARAM_LENGTH, pattern: '^[^/]+$' });
        } else if (parameter.in === 'header' && parameter.name.toLowerCase() === 'if-match') {
          Object.assign(schema, { maxLength: IF_MATCH_MAX });
          parameter.description =
            parameter.description ?? 'The version last read, as its ETag ("3"); 412 when stale';
        }
        parameter.schema = schema;
      }
    }
  }
}

/**
 * An operation's JSDoc arrives as its summary: the first sentence stays the summary (the line the
 * Swagger UI lists) and the whole text becomes the description.
 */
function describeOperations(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation?.summary || operation.description) continue;
      const text = operation.summary;
      const end = text.search(/[.:](\s|$)/);
      operation.description = text;
      if (end > 0 && end < text.length - 1) operation.summary = text.slice(0, end + 1);
    }
  }
}

/** Every tag an operation uses, described. */
function addTags(document: OpenAPIObject): void {
  const used = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      item[method]?.tags?.forEach((tag) => used.add(tag));
    }
  }
  document.tags = [...used].sort().map((name) => ({ name, description: TAGS[name] ?? name }));
}

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Hashbook API')
    .setDescription(
      'Order book and customer CRM of a bitcoin-mining-hardware maker. Every route under /api/v1 needs an API key ' +
        '(X-API-Key, or Authorization: Bearer) — programs — or the session cookie of a person signed in with ' +
        '`POST /auth/sign-in` or single sign-on; a session request that changes anything (any method but GET ' +
        'and HEAD) must send the X-CSRF-Token the sign-in answered with. Money is a decimal string with two ' +
        'places, USD. Errors are application/problem+json with a stable `code`.',
    )
    .setVersion('1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key',
        description: 'The API key as a bearer token (an opaque key, not a JWT)',
      },
      'bearer',
    )
    .addCookieAuth(
      'hashbook_session',
      {
        type: 'apiKey',
        in: 'cookie',
        name: 'hashbook_session',
        description: 'Set by sign-in; writes also need the X-CSRF-Token header',
      },
      'session',
    )
    .addSecurityRequirements('api-key')
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('session')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/Controller$/, '').replace(/^./, (c) => c.toLowerCase())}_${methodKey}`,
  });
  // Relative: the document describes whichever instance serves it.
  Object.assign(document, {
    servers: [
      {
        url: '/',
        description: 'The server that serves this document (local, staging or production alike)',
        'x-internal': false,
      },
    ],
  });
  markPublicOperations(document);
  addProblemResponses(document);
  addRateLimitHeaders(document);
  documentRawParameters(document);
  documentLimits(document);
  addTags(document);
  describeOperations(document);
  return document;
}

export function setupSwagger(app: INestApplication): void {
  const document = buildOpenApi(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
