import { existsSync, readdirSync } from 'node:fs';
import { freePort, freshDataDir, removeDataDir, startApp } from './app-process';

// Each test starts the real app (ts-node, migrations); on a busy machine that alone can take a minute.
jest.setTimeout(240_000);

// Node's own warnings are not Hashbook's output.
const ownLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\(node:\d+\)|--trace-warnings/.test(line));

describe('configuration errors', () => {
  const dataDir = freshDataDir();

  afterAll(() => removeDataDir(dataDir));

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['ADMIN_API_KEY', { ADMIN_API_KEY: 'too-short-for-a-key' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
  ])('refuses a bad %s with one line naming it and a non-zero exit', async (name, bad) => {
    const app = startApp({ DATA_DIR: dataDir, PORT: String(await freePort()), ...bad });
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    const lines = ownLines(app.output);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`\\b${name}\\b`));
    // Refused before touching anything.
    expect(readdirSync(dataDir)).toEqual([]);
    expect(existsSync(`${dataDir}/postgres`)).toBe(false);
  });
});
