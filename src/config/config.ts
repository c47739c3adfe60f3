import { bool, cleanEnv, makeValidator, num, port, str, url } from 'envalid';
import { resolve } from 'node:path';
import { ROLES, type Role } from '../common/request-context';

/** Single sign-on with an OpenID Connect provider; absent when OIDC_ISSUER is not set. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The role of a user created on first sign-in; undefined: only existing users may sign in. */
  autoCreateRole?: Role;
}

export interface AppConfig {
  port: number;
  host: string;
  /** Explicit server; undefined means "start the embedded PostgreSQL in dataDir". */
  databaseUrl?: string;
  /** A read replica of it: reports, the delivery plan and availability read there. */
  databaseReadUrl?: string;
  dataDir: string;
  adminApiKey?: string;
  seedDemo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  rateLimitPerMinute: number;
  businessTimeZone: string;
  dbPoolSize: number;
  /** Runs the webhook delivery worker in this instance (default true). */
  webhooksEnabled?: boolean;
  /** A session ends after this many hours without a request (default 12). */
  sessionIdleHours?: number;
  /** A session ends this many days after sign-in, however busy (default 7). */
  sessionMaxDays?: number;
  /**
   * Where people reach this server, without a trailing slash: the base of the SSO redirect URI
   * (default http://localhost:<port>).
   */
  publicUrl?: string;
  oidc?: OidcConfig;
  /** The built web console to serve at `/` (default dist/console of this checkout). */
  consoleDir?: string;
}

/** The session lifetimes and public address of `config`, defaults filled in. */
export function sessionSettings(config: AppConfig): {
  idleHours: number;
  maxDays: number;
  publicUrl: string;
} {
  return {
    idleHours: config.sessionIdleHours ?? 12,
    maxDays: config.sessionMaxDays ?? 7,
    publicUrl: (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, ''),
  };
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
      DATABASE_READ_URL: url({ default: undefined }),
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
      SESSION_IDLE_HOURS: num({ default: 12 }),
      SESSION_MAX_DAYS: num({ default: 7 }),
      PUBLIC_URL: url({ default: undefined }),
      OIDC_ISSUER: url({ default: undefined }),
      OIDC_CLIENT_ID: str({ default: undefined }),
      OIDC_CLIENT_SECRET: str({ default: undefined }),
      OIDC_AUTO_CREATE_ROLE: str({ choices: [...ROLES], default: undefined }),
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
  if (!(values.SESSION_IDLE_HOURS > 0) || values.SESSION_IDLE_HOURS > 8760) {
    problems.push('SESSION_IDLE_HOURS: must be a number of hours above 0, at most 8760');
  }
  if (!(values.SESSION_MAX_DAYS > 0) || values.SESSION_MAX_DAYS > 365) {
    problems.push('SESSION_MAX_DAYS: must be a number of days above 0, at most 365');
  }
  const oidcSet = [values.OIDC_ISSUER, values.OIDC_CLIENT_ID, values.OIDC_CLIENT_SECRET].filter(
    Boolean,
  ).length;
  if (oidcSet > 0 && oidcSet < 3) {
    problems.push('OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: set all three, or none');
  }
  if (values.OIDC_AUTO_CREATE_ROLE && oidcSet === 0) {
    problems.push(
      'OIDC_AUTO_CREATE_ROLE: needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET',
    );
  }
  if (values.DATABASE_READ_URL && !values.DATABASE_URL) {
    problems.push('DATABASE_READ_URL: needs DATABASE_URL (the replica of that primary)');
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return {
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL || undefined,
    databaseReadUrl: values.DATABASE_READ_URL || undefined,
    dataDir: resolve(values.DATA_DIR),
    adminApiKey: values.ADMIN_API_KEY || undefined,
    seedDemo: values.SEED_DEMO,
    logLevel: values.LOG_LEVEL as AppConfig['logLevel'],
    rateLimitPerMinute: values.RATE_LIMIT_PER_MINUTE,
    businessTimeZone: values.BUSINESS_TIME_ZONE,
    dbPoolSize: values.DB_POOL_SIZE,
    sessionIdleHours: values.SESSION_IDLE_HOURS,
    sessionMaxDays: values.SESSION_MAX_DAYS,
    publicUrl: (values.PUBLIC_URL || `http://localhost:${values.PORT}`).replace(/\/+$/, ''),
    oidc:
      oidcSet === 3
        ? {
            issuer: values.OIDC_ISSUER!,
            clientId: values.OIDC_CLIENT_ID!,
            clientSecret: values.OIDC_CLIENT_SECRET!,
            autoCreateRole: (values.OIDC_AUTO_CREATE_ROLE as Role | undefined) || undefined,
          }
        : undefined,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
