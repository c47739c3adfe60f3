import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AppConfig, sessionSettings } from '../config/config';
import { ApiKeyService, generateKey } from './api-key.service';
import { hashPassword } from './users/password';
import { UserService } from './users/user.service';

/** The generated first admin of an embedded install. */
export const LOCAL_ADMIN_EMAIL = 'admin@hashbook.local';

/** A generated password: 24 characters of base64url, 144 bits. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

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

/**
 * An embedded install whose database has no user yet gets a generated admin user: the password is
 * printed once and kept in DATA_DIR/admin-user (0600). Later starts print only where it is. With
 * DATABASE_URL nothing is generated: the first person is made with the CLI (`users create`).
 */
export async function ensureAdminUser(
  users: UserService,
  config: AppConfig,
  embedded: boolean,
  logger: Logger,
): Promise<void> {
  if (!embedded) return;
  const file = join(config.dataDir, 'admin-user');
  if (existsSync(file)) {
    logger.info(`Admin sign-in: see ${file}`);
    return;
  }
  const password = generatePassword();
  const created = await users.createFirstAdmin(
    LOCAL_ADMIN_EMAIL,
    'Local admin',
    await hashPassword(password),
  );
  if (!created) return;
  writeFileSync(file, `email: ${LOCAL_ADMIN_EMAIL}\npassword: ${password}\n`, { mode: 0o600 });
  const { publicUrl } = sessionSettings(config);
  process.stdout.write(
    `\n  Hashbook generated an admin user (shown once; also kept in ${file}):\n\n` +
      `    email:    ${LOCAL_ADMIN_EMAIL}\n    password: ${password}\n\n` +
      `  Sign in at ${publicUrl}/ , or: POST ${publicUrl}/api/v1/auth/sign-in {"email", "password"}.\n\n`,
  );
}
