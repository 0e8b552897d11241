import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** What went wrong on the page: errors (console, page, dialogs) and any request off the file. */
export interface PageProblems {
  errors: string[];
  network: string[];
}

/** Opens a local HTML file in headless Debian chromium and hands the page to `use`; always closes it. */
export async function withPage<T>(file: string, use: (page: Page, problems: PageProblems) => Promise<T>): Promise<T> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium with: apt-get install chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'gomod-chaos-browser-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    const problems: PageProblems = { errors: [], network: [] };
    page.on('console', (m) => {
      if (m.type() === 'error') problems.errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.errors.push(`page: ${e.message}`));
    page.on('dialog', (d) => {
      problems.errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    context.on('request', (r) => {
      if (!/^(file|data|blob|about):/.test(r.url())) problems.network.push(r.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return await use(page, problems);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
