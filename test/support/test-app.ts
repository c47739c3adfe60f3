import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Logger } from 'pino';
import request from 'supertest';
import { ApiKeyService } from '../../src/access/api-key.service';
import { createApp } from '../../src/app.setup';
import { createLogger } from '../../src/common/logger';
import type { Role } from '../../src/common/request-context';
import { AppConfig } from '../../src/config/config';

export interface TestApp {
  app: NestFastifyApplication;
  databaseUrl: string;
  /** An admin key. */
  adminKey: string;
  /** A fresh key of the role. */
  keyFor(role: Role): Promise<string>;
  /** supertest agent factory bound to the app. */
  http(): request.Agent;
  /** Runs SQL on the test database. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/tmp/hashbook-unused',
    seedDemo: false,
    logLevel: 'silent',
    rateLimitPerMinute: 0,
    businessTimeZone: 'UTC',
    dbPoolSize: 10,
    ...overrides,
  };
}

function databaseUrl(name: string): string {
  const url = new URL(process.env.HASHBOOK_TEST_SERVER_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database cloned from the migrated template, for one test file. */
export async function createTestDatabase(): Promise<string> {
  const name = `hashbook_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client(process.env.HASHBOOK_TEST_SERVER_URL);
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.HASHBOOK_TEST_TEMPLATE}`);
        break;
      } catch (error) {
        // Two files cloning the template at once: PostgreSQL refuses the second; try again.
        if (attempt > 300 || !/being accessed by other users/.test((error as Error).message))
          throw error;
        await new Promise((done) => setTimeout(done, 100));
      }
    }
  } finally {
    await admin.end();
  }
  return databaseUrl(name);
}

/** An app on its own database (or on `existingUrl`'s), logging nowhere unless given `logger`. */
export async function createTestApp(
  overrides: Partial<AppConfig> = {},
  existingUrl?: string,
  logger: Logger = createLogger('silent'),
): Promise<TestApp> {
  const url = existingUrl ?? (await createTestDatabase());
  const config = testConfig(overrides);
  const app = await createApp(config, url, logger);
  await app.getHttpAdapter().getInstance().ready();
  const apiKeys = app.get(ApiKeyService);
  const admin = await apiKeys.create('test-admin', 'admin');
  const client = new Client(url);
  await client.connect();
  return {
    app,
    databaseUrl: url,
    adminKey: admin.key,
    keyFor: async (role) => (await apiKeys.create(`test-${role}`, role)).key,
    http: () => request.agent(app.getHttpServer()),
    sql: async (text, params) => (await client.query(text, params)).rows,
    close: async () => {
      await client.end();
      await app.close();
    },
  };
}
