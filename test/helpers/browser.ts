import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

// Debian's Chromium, driven by playwright-core (no browser download). Suites skip with a notice
// when it is not installed; CI installs it.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export type { Browser, Page };

/** A skip reason for node:test, or false when a browser is available. */
export function browserSkip(): string | false {
  if (fs.existsSync(CHROMIUM)) return false;
  console.log(`notice: ${CHROMIUM} is missing; browser tests are skipped (apt-get install chromium).`);
  return `${CHROMIUM} is not installed`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
