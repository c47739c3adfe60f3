const { rmSync } = require('node:fs');
const { Client } = require('pg');

module.exports = async () => {
  const admin = new Client(process.env.HASHBOOK_TEST_SERVER_URL);
  await admin.connect();
  const { rows } = await admin.query(
    `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE 'hashbook_test_%'`,
    [process.env.HASHBOOK_TEST_TEMPLATE],
  );
  for (const { datname } of rows)
    await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  await admin.end();
  const embedded = globalThis.__HASHBOOK_PG__;
  if (embedded) {
    await embedded.server.stop();
    rmSync(embedded.dir, { recursive: true, force: true });
  }
};
