import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * Runs `work` against a brand-new empty database: a scratch database on DATABASE_URL's server when
 * it is set, otherwise a throwaway embedded cluster. Removed afterwards either way.
 */
export async function withScratchDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'hashbook-scratch-'));
    chmodSync(dir, 0o755);
    const server = await startEmbeddedPostgres({
      clusterDir: join(dir, 'postgres'),
      ephemeral: true,
    });
    try {
      return await work(server.url);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `hashbook_scratch_${randomBytes(4).toString('hex')}`;
  const admin = new Client(serverUrl);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
