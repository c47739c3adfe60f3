import { bool, cleanEnv, makeValidator, num, port, str, url } from 'envalid';
import { resolve } from 'node:path';

export interface AppConfig {
  port: number;
  host: string;
  /** Explicit server; undefined means "start the embedded PostgreSQL in dataDir". */
  databaseUrl?: string;
  dataDir: string;
  adminApiKey?: string;
  seedDemo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  rateLimitPerMinute: number;
  businessTimeZone: string;
  dbPoolSize: number;
  /** Runs the webhook delivery worker in this instance (default true). */
  webhooksEnabled?: boolean;
}

const adminKey = makeValidator<string>((value) => {
  if (value.length < 24) throw new Error('must be at least 24 characters');
  return value;
});

const timeZone = makeValidator<string>((value) => {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: value });
  } catch {
    throw new Error('is not a known IANA time zone');
  }
  return value;
});

export class ConfigError extends Error {}

/**
 * Reads and validates the environment. Throws a ConfigError whose message is one line per bad
 * variable, naming it, so the process can print it and exit.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const values = cleanEnv(
    env,
    {
      PORT: port({ default: 3000 }),
      HOST: str({ default: '0.0.0.0' }),
      DATABASE_URL: url({ default: undefined }),
      DATA_DIR: str({ default: './.data' }),
      ADMIN_API_KEY: adminKey({ default: undefined }),
      SEED_DEMO: bool({ default: true }),
      LOG_LEVEL: str({
        choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
        default: 'info',
      }),
      RATE_LIMIT_PER_MINUTE: num({ default: 120000 }),
      BUSINESS_TIME_ZONE: timeZone({ default: 'UTC' }),
      DB_POOL_SIZE: num({ default: 10 }),
    },
    {
      reporter: ({ errors }) => {
        for (const [name, error] of Object.entries(errors)) {
          problems.push(`${name}: ${(error as Error).message}`);
        }
      },
    },
  );
  if (values.RATE_LIMIT_PER_MINUTE < 0 || !Number.isInteger(values.RATE_LIMIT_PER_MINUTE)) {
    problems.push('RATE_LIMIT_PER_MINUTE: must be a whole number ≥ 0 (0 turns rate limiting off)');
  }
  if (values.DB_POOL_SIZE < 1 || !Number.isInteger(values.DB_POOL_SIZE)) {
    problems.push('DB_POOL_SIZE: must be a whole number ≥ 1');
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return {
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL || undefined,
    dataDir: resolve(values.DATA_DIR),
    adminApiKey: values.ADMIN_API_KEY || undefined,
    seedDemo: values.SEED_DEMO,
    logLevel: values.LOG_LEVEL as AppConfig['logLevel'],
    rateLimitPerMinute: values.RATE_LIMIT_PER_MINUTE,
    businessTimeZone: values.BUSINESS_TIME_ZONE,
    dbPoolSize: values.DB_POOL_SIZE,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
