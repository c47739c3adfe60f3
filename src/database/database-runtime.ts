import { join } from 'node:path';
import { AppConfig } from '../config/config';
import { runningEmbeddedUrl, startEmbeddedPostgres } from './embedded-postgres';

export interface DatabaseRuntime {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when given; otherwise the embedded PostgreSQL kept in DATA_DIR/postgres. */
export async function openDatabase(
  config: AppConfig,
  onLog?: (line: string) => void,
): Promise<DatabaseRuntime> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const server = await startEmbeddedPostgres({
    clusterDir: join(config.dataDir, 'postgres'),
    onLog,
  });
  return { url: server.url, embedded: true, stop: () => server.stop() };
}

/**
 * For tools run beside the app (the CLI): DATABASE_URL when given; else the embedded server of a
 * Hashbook already running on DATA_DIR (left running afterwards); else one started for the tool.
 */
export async function attachDatabase(
  config: AppConfig,
  onLog?: (line: string) => void,
): Promise<DatabaseRuntime & { shared: boolean }> {
  if (!config.databaseUrl) {
    const url = runningEmbeddedUrl(join(config.dataDir, 'postgres'));
    if (url) return { url, embedded: true, shared: true, stop: async () => undefined };
  }
  return { ...(await openDatabase(config, onLog)), shared: false };
}
