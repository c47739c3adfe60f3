// Before the browser tests: builds the console when its build is missing or older than its
// sources (so `npm test` works on a fresh clone without `npm run build`), and unpacks the
// Chromium of @sparticuz/chromium once unless CHROMIUM_PATH names a browser.
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..', '..');
const SOURCES = join(ROOT, 'src', 'console');
const BUILT = join(ROOT, 'dist', 'console', 'index.html');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

module.exports = async () => {
  if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < newest(SOURCES)) {
    console.log('\nBuilding the console for the browser tests…');
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        join(SOURCES, 'vite.config.mts'),
        '--logLevel',
        'warn',
      ],
      { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
    );
  }
  if (!process.env.CHROMIUM_PATH) {
    const chromium = require('@sparticuz/chromium');
    process.env.HASHBOOK_CHROMIUM = await (chromium.default ?? chromium).executablePath();
  }
};
