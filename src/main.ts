import 'reflect-metadata';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config/config';

async function main() {
  // The environment is checked before the application is loaded, so a bad value is reported at once.
  const config = loadConfig();
  const { ensureAdminAccess, ensureAdminUser } = await import('./access/admin-key.bootstrap');
  const { UserService } = await import('./access/users/user.service');
  const { ApiKeyService } = await import('./access/api-key.service');
  const { createApp } = await import('./app.setup');
  const { createLogger } = await import('./common/logger');
  const { openDatabase } = await import('./database/database-runtime');
  const { runMigrations } = await import('./database/migrate');
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, (line) =>
    logger.debug({ component: 'postgres' }, line),
  );
  let stopping = false;
  const stopDatabase = async () => {
    await database
      .stop()
      .catch((error: Error) => logger.error(`Stopping PostgreSQL failed: ${error.message}`));
  };
  try {
    const applied = await runMigrations(database.url);
    if (applied.length > 0) logger.info(`Applied migrations: ${applied.join(', ')}`);
    const app = await createApp(config, database.url, logger);
    await ensureAdminAccess(app.get(ApiKeyService), config, database.embedded, logger);
    await ensureAdminUser(app.get(UserService), config, database.embedded, logger);
    if (config.seedDemo) {
      const { seedDemoIfEmpty } = await import('./demo/seed');
      // Embedded: the demo people get generated passwords, kept beside the admin's.
      await seedDemoIfEmpty(app, logger, {
        passwordsFile: database.embedded ? join(config.dataDir, 'demo-users') : undefined,
      });
    }
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal} received: shutting down`);
      await app.close().catch(() => undefined);
      await stopDatabase();
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    await app.listen({ port: config.port, host: config.host });
    logger.info(
      `Hashbook listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} ` +
        `(API /api/v1, Swagger UI /docs, ${database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'})`,
    );
  } catch (error) {
    await stopDatabase();
    throw error;
  }
}

main().catch((error: Error) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(`Hashbook could not start: ${error.message}`);
    if (process.env.LOG_LEVEL === 'debug') console.error(error.stack);
  }
  process.exit(1);
});
