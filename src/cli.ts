import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { ApiKeyDto } from './access/api-key.dto';
import { ApiKeyService } from './access/api-key.service';
import { UserDto } from './access/users/user.dto';
import { UserService } from './access/users/user.service';
import { isEmail } from 'class-validator';
import { AuditService } from './audit/audit.service';
import { DomainError } from './common/errors';
import { ROLES, runAs, systemActor, type Role } from './common/request-context';
import { ConfigError, loadConfig, sessionSettings } from './config/config';
import { createDataSource } from './database/data-source';
import { attachDatabase } from './database/database-runtime';
import { runMigrations } from './database/migrate';

const USAGE = `Usage: npm run cli -- <command>   (or: node dist/src/cli.js <command>)

Commands:
  api-keys create --name <name> --role <role>   create a key; the key is printed once
  api-keys list                                 list every key (without the keys themselves)
  api-keys revoke <id>                          revoke a key (refused everywhere within 5 s)
  users create --email <email> --name <name> --role <role>
                                                add a person; prints a one-time setup token
                                                (72 h) with which they set their password
  users list                                    list every user
  users setup-token --email <email>             a new setup token for someone who lost theirs
                                                or forgot their password

Options:
  --json    print JSON instead of text

Roles: ${ROLES.join(', ')}

Database: DATABASE_URL when set; otherwise the embedded PostgreSQL in DATA_DIR (default ./.data),
shared with a Hashbook already running on that folder.`;

/** Wrong arguments: print the message and the usage. */
class UsageError extends Error {}

type Output = (text: string, json: unknown) => void;

interface Command {
  args: string[];
  options: { name?: string; role?: string; email?: string };
}

interface Services {
  apiKeys: ApiKeyService;
  users: UserService;
  /** Where people reach the server (PUBLIC_URL). */
  publicUrl: string;
}

type Work = (services: Services, out: Output) => Promise<void>;

/** Checks the arguments before any database is touched; returns the work to do. */
function plan({ args, options }: Command): Work {
  const [group, action, ...rest] = args;
  if (group === 'users') return planUsers(action, rest, options);
  if (group !== 'api-keys') {
    throw new UsageError(group ? `Unknown command "${group}".` : 'No command given.');
  }
  switch (action) {
    case 'create': {
      if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
      const name = options.name?.trim();
      if (!name) throw new UsageError('--name is required.');
      if (name.length > 100) throw new UsageError('--name must be at most 100 characters.');
      const role = options.role as Role;
      if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}.`);
      return async ({ apiKeys }, out) => {
        const created = await apiKeys.create(name, role);
        out(
          `Created API key ${created.id} "${created.name}" (role ${created.role}).\n` +
            `The key is shown this once; only its hash is stored:\n\n${created.key}\n`,
          created,
        );
      };
    }
    case 'list': {
      if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
      return async ({ apiKeys }, out) => {
        const keys: ApiKeyDto[] = [];
        for (let cursor: string | undefined; ;) {
          const page = await apiKeys.list({ limit: 500, cursor });
          keys.push(...page.items);
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        out(formatTable(keys), keys);
      };
    }
    case 'revoke': {
      if (rest.length !== 1) throw new UsageError('revoke takes exactly one key id.');
      const id = rest[0].toLowerCase();
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
        throw new UsageError(`"${rest[0]}" is not a key id (a uuid, as shown by "api-keys list").`);
      }
      return async ({ apiKeys }, out) => {
        await apiKeys.revoke(id);
        out(`Revoked API key ${id}. Running instances refuse it within 5 seconds.`, {
          id,
          revoked: true,
        });
      };
    }
    default:
      throw new UsageError(
        action ? `Unknown api-keys command "${action}".` : 'api-keys needs a command.',
      );
  }
}

function planUsers(action: string | undefined, rest: string[], options: Command['options']): Work {
  if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
  const email = () => {
    const value = options.email?.trim();
    if (!value) throw new UsageError('--email is required.');
    if (value.length > 254 || !isEmail(value))
      throw new UsageError('--email must be an email address.');
    return value;
  };
  const howToSetPassword = (
    token: { setupToken: string; setupTokenExpiresAt: string },
    url: string,
  ) =>
    `They choose their password with this one-time setup token, valid until ${token.setupTokenExpiresAt};\n` +
    `it is shown this once, only its hash is stored:\n\n${token.setupToken}\n\n` +
    `To use it: POST ${url}/api/v1/auth/set-password {"token": "<the token>", "password": "<at least 12 characters>"},\n` +
    `then sign in with the email and that password.\n`;
  switch (action) {
    case 'create': {
      const address = email();
      const name = options.name?.trim();
      if (!name) throw new UsageError('--name is required.');
      if (name.length > 200) throw new UsageError('--name must be at most 200 characters.');
      const role = options.role as Role;
      if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}.`);
      return async ({ users, publicUrl }, out) => {
        const created = await users.create({ email: address, name, role });
        out(
          `Created user ${created.id} ${created.email} "${created.name}" (role ${created.role}).\n` +
            howToSetPassword(
              {
                setupToken: created.setupToken!,
                setupTokenExpiresAt: created.setupTokenExpiresAt!,
              },
              publicUrl,
            ),
          created,
        );
      };
    }
    case 'list':
      return async ({ users }, out) => {
        const all: UserDto[] = [];
        for (let cursor: string | undefined; ;) {
          const page = await users.list({ limit: 500, cursor });
          all.push(...page.items);
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        out(
          table(
            ['ID', 'EMAIL', 'NAME', 'ROLE', 'STATUS', 'PASSWORD'],
            all.map((u) => [u.id, u.email, u.name, u.role, u.status, u.passwordSet ? 'set' : '-']),
            'No users.',
          ),
          all,
        );
      };
    case 'setup-token': {
      const address = email();
      return async ({ users, publicUrl }, out) => {
        const user = await users.findByEmail(address);
        if (!user) throw new DomainError(404, 'NOT_FOUND', `No user has the email ${address}.`);
        const token = await users.issueSetupToken(user.id);
        out(`New setup token for ${user.email}.\n` + howToSetPassword(token, publicUrl), {
          id: user.id,
          email: user.email,
          ...token,
        });
      };
    }
    default:
      throw new UsageError(
        action ? `Unknown users command "${action}".` : 'users needs a command.',
      );
  }
}

function formatTable(keys: ApiKeyDto[]): string {
  return table(
    ['ID', 'NAME', 'ROLE', 'PREFIX', 'CREATED', 'REVOKED'],
    keys.map((k) => [k.id, k.name, k.role, k.keyPrefix, k.createdAt, k.revokedAt ?? '-']),
    'No API keys.',
  );
}

function table(header: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return empty;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function parse(argv: string[]): Command & { json: boolean; help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        email: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return {
      args: positionals,
      options: { name: values.name, role: values.role, email: values.email },
      json: values.json ?? false,
      help: values.help ?? false,
    };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function main(argv: string[]): Promise<void> {
  const command = parse(argv);
  if (command.help || command.args.length === 0) {
    console.log(USAGE);
    if (!command.help) process.exitCode = 2;
    return;
  }
  const work = plan(command);
  const config = loadConfig();
  const database = await attachDatabase(config);
  let dataSource: DataSource | undefined;
  try {
    // A server this command started itself may be brand new: bring its schema up to date. A shared
    // or external one belongs to the app and `npm run migration:run`.
    if (database.embedded && !database.shared) await runMigrations(database.url);
    dataSource = createDataSource(database.url, 2);
    await dataSource.initialize();
    if (await dataSource.showMigrations()) {
      throw new Error('The database has pending migrations: run "npm run migration:run" first.');
    }
    const audit = new AuditService();
    const services: Services = {
      apiKeys: new ApiKeyService(dataSource, audit),
      users: new UserService(dataSource, audit),
      publicUrl: sessionSettings(config).publicUrl,
    };
    const out: Output = (text, json) =>
      console.log(command.json ? JSON.stringify(json, null, 2) : text);
    // The audit log records the CLI as the actor.
    await runAs(systemActor('cli'), () => work(services, out));
  } finally {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await database.stop();
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof ConfigError || error instanceof DomainError) {
    console.error(error.message);
  } else {
    console.error(`hashbook: ${error.message}`);
    if (process.env.LOG_LEVEL === 'debug') console.error(error.stack);
  }
  process.exit(1);
});
