import { type Browser, chromium } from 'playwright-core';

/**
 * A headless Chromium: the one at CHROMIUM_PATH when set (e.g. Debian's /usr/bin/chromium), else
 * the one @sparticuz/chromium ships in npm (unpacked to /tmp on first use), so a machine with only
 * Node gets a browser from `npm install`.
 */
export async function launchChromium(): Promise<Browser> {
  const system = process.env.CHROMIUM_PATH;
  if (system) {
    return chromium.launch({
      executablePath: system,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  }
  const packaged = require('@sparticuz/chromium');
  const sparticuz = packaged.default ?? packaged;
  return chromium.launch({
    executablePath: process.env.HASHBOOK_CHROMIUM ?? (await sparticuz.executablePath()),
    headless: true,
    // Its --single-process mode suits one-shot serverless runs; pages of a long test crash in it.
    args: (sparticuz.args as string[]).filter((arg) => arg !== '--single-process'),
  });
}
