import fastifyCookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ApiKeyService } from './access/api-key.service';
import { keyFromRequest, registerAuthentication } from './access/authentication';
import { SessionService } from './access/sessions/session.service';
import { IdempotencyStore } from './common/idempotency.store';
import { RateLimitStore } from './common/rate-limit.store';
import { registerBodyRules, registerDraining, serverOptions } from './common/http-layer';
import { registerRequestHooks } from './common/request-hooks';
import { AppModule } from './app.module';
import { problem } from './common/problem';
import { ProblemFilter } from './common/problem.filter';
import { NestPinoLogger } from './common/logger';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/config';
import { defaultConsoleDir, registerConsole } from './console-files';
import { setupSwagger } from './openapi';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the whole HTTP application; main.ts and the tests both use it. */
export async function createApp(
  config: AppConfig,
  databaseUrl: string,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per request, written in onResponse below.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ...serverOptions(),
    trustProxy: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config, databaseUrl),
    adapter,
    {
      logger: new NestPinoLogger(logger),
      abortOnError: false,
      // fastify's own JSON parser, which honours each route's body limit; no form bodies.
      bodyParser: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();

  // Cookies are read for the session; nothing is signed with them (a session is a database row).
  await app.register(fastifyCookie);
  // Who is calling, first: the idempotency scope and the request context need the actor.
  registerAuthentication(fastify, app.get(ApiKeyService), app.get(SessionService));
  registerRequestHooks(fastify, { idempotency: app.get(IdempotencyStore) });
  registerBodyRules(fastify);
  registerDraining(fastify);
  // Liveness answers from fastify itself: a probe should cost nothing and prove only that the
  // process serves HTTP. Readiness (/health/ready) checks the database through Nest.
  fastify.get('/health', (_request, reply) => reply.send({ status: 'ok' }));
  // JSON everywhere, CSV for the routes that say so (the imports); anything else is 415.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  if (config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      // Counted in PostgreSQL, so every instance enforces one total; if the database cannot be
      // reached the request goes on (and meets the same database).
      store: app.get(RateLimitStore).pluginStore(),
      skipOnError: true,
      allowList: (request) => request.url.startsWith('/health'),
      keyGenerator: (request) => {
        const key = keyFromRequest(request);
        return key ? `key:${createHash('sha256').update(key).digest('hex')}` : `ip:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) => ({
        ...problem(
          429,
          'RATE_LIMITED',
          `Rate limit of ${context.max} requests a minute exceeded; retry in ${context.after}`,
        ),
        statusCode: 429,
      }),
    });
  }

  // The web console at `/`, when it has been built.
  registerConsole(fastify, config.consoleDir ?? defaultConsoleDir());

  app.setGlobalPrefix('api/v1', {
    exclude: [{ path: 'health/ready', method: RequestMethod.GET }],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  setupSwagger(app);
  await app.init();
  return app;
}
