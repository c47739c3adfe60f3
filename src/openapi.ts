import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', example: 'https://hashbook.dev/problems/validation-failed' },
    title: { type: 'string', example: 'Bad Request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string' },
    code: {
      type: 'string',
      example: 'VALIDATION_FAILED',
      description: 'Stable SCREAMING_SNAKE code',
    },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string', example: 'lines[0].unitPrice' },
          message: { type: 'string' },
        },
      },
    },
    existingId: {
      type: 'string',
      format: 'uuid',
      description: 'On DUPLICATE: the record that already holds the business key',
    },
    requestId: { type: 'string' },
  },
};

const DESCRIPTIONS: Record<string, string> = {
  '400': 'Invalid request (validation errors carry field paths)',
  '401': 'No API key, or an unknown or revoked one',
  '403': "The key's role may not do this",
  '404': 'Unknown id in the path',
  '409':
    'Conflicts with the current state (duplicate, illegal transition, reused Idempotency-Key …)',
  '412': 'If-Match names a version that is not the current one',
  '422': 'Refers to something that does not allow it (e.g. REFERENCE_NOT_FOUND)',
  '429': 'Rate limited',
};

/** Adds the problem+json error responses each kind of operation can give. */
function addProblemResponses(document: OpenAPIObject): void {
  document.components = document.components ?? {};
  document.components.schemas = { ...(document.components.schemas ?? {}), Problem: PROBLEM_SCHEMA };
  for (const [path, item] of Object.entries(document.paths)) {
    const hasId = path.includes('{');
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const codes = ['400', '401', '403', '429'];
      if (hasId) codes.push('404');
      if (method !== 'get') codes.push('409', '422');
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

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Hashbook API')
    .setDescription(
      'Order book and customer CRM of a bitcoin-mining-hardware maker. Every route under /api/v1 needs an API key ' +
        '(X-API-Key, or Authorization: Bearer). Money is a decimal string with two places, USD. Errors are ' +
        'application/problem+json with a stable `code`.',
    )
    .setVersion('1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'The API key as a bearer token' },
      'bearer',
    )
    .addSecurityRequirements('api-key')
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/Controller$/, '').replace(/^./, (c) => c.toLowerCase())}_${methodKey}`,
  });
  addProblemResponses(document);
  return document;
}

export function setupSwagger(app: INestApplication): void {
  const document = buildOpenApi(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
