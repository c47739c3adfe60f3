// Starts one PostgreSQL for the whole run (embedded, or the server of DATABASE_URL) and builds a
// migrated template database; each test file clones its own database from it.
require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
const { chmodSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { startEmbeddedPostgres } = require('../../src/database/embedded-postgres');
const { runMigrations } = require('../../src/database/migrate');

const withDatabase = (url, name) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

module.exports = async () => {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'hashbook-test-'));
    chmodSync(dir, 0o755);
    const server = await startEmbeddedPostgres({
      clusterDir: join(dir, 'postgres'),
      ephemeral: true,
    });
    globalThis.__HASHBOOK_PG__ = { server, dir };
    serverUrl = server.url;
  }
  const template = `hashbook_template_${process.pid}`;
  const admin = new Client(serverUrl);
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  await runMigrations(withDatabase(serverUrl, template));
  process.env.HASHBOOK_TEST_SERVER_URL = serverUrl;
  process.env.HASHBOOK_TEST_TEMPLATE = template;
};
