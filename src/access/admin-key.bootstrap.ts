import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AppConfig } from '../config/config';
import { ApiKeyService, generateKey } from './api-key.service';

/**
 * ADMIN_API_KEY becomes the admin key "bootstrap-admin". Without it, an embedded install gets a
 * generated admin key on its first start: printed once and kept in DATA_DIR/admin-api-key (0600).
 */
export async function ensureAdminAccess(
  apiKeys: ApiKeyService,
  config: AppConfig,
  embedded: boolean,
  logger: Logger,
) {
  if (config.adminApiKey) {
    await apiKeys.ensureAdminKey('bootstrap-admin', config.adminApiKey);
    return;
  }
  if (!embedded) return;
  const file = join(config.dataDir, 'admin-api-key');
  if (existsSync(file)) {
    await apiKeys.ensureAdminKey('local-admin', readFileSync(file, 'utf8').trim());
    logger.info(`Admin API key: see ${file}`);
    return;
  }
  const key = generateKey();
  await apiKeys.ensureAdminKey('local-admin', key);
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  process.stdout.write(
    `\n  Hashbook generated an admin API key (shown once; also kept in ${file}):\n\n    ${key}\n\n` +
      `  Use it as the X-API-Key header, or with the Authorize button of the Swagger UI.\n\n`,
  );
}
