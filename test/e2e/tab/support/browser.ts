import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { repoRoot } from '../../../support/processes.js';

export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

/** Debian's Chromium, headless, with a profile of its own that is removed afterwards. */
export interface TestBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(
  options: {
    /**
     * Accept the demo simulator's self-signed certificate: pages that follow a flow to Entra (the simulator stands in
     * for it, https on its own CA) need it; nothing leaves the machine either way.
     */
    readonly trustSimulator?: boolean;
  } = {},
): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-e2e-chromium-'));
  const context = await chromium
    .launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      acceptDownloads: true,
      ignoreHTTPSErrors: options.trustSimulator === true,
      viewport: { width: 1440, height: 1200 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
    .catch((error: unknown) => {
      fs.rmSync(profile, { recursive: true, force: true });
      throw error;
    });
  // Nothing leaves the machine: teams-js's list of valid origins (a CDN) is refused at once.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The tab's frame inside the local Teams host page, once it has loaded `path` (a hash route). */
export async function tabFrame(page: Page): Promise<Frame> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const frame = page.frames().find((candidate) => candidate.url().includes('/tab/index.html'));
    if (frame !== undefined) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('the tab frame never loaded in the host page');
}

/** Opens the local Teams host page as a demo identity and waits for the signed-in tab. */
export async function openHost(
  page: Page,
  baseUrl: string,
  options: {
    readonly as: string;
    readonly surface?: 'personal' | 'channel';
    readonly theme?: string;
    readonly reset?: boolean;
    /** Which Microsoft 365 host the page plays (default Teams). */
    readonly host?: 'teams' | 'outlook' | 'office';
    /** `consent`: SSO fails until the tab's consent window has completed. */
    readonly sso?: 'consent';
  },
): Promise<Frame> {
  const query = new URLSearchParams({
    as: options.as,
    surface: options.surface ?? 'personal',
    theme: options.theme ?? 'default',
    ...(options.reset === true ? { reset: '1' } : {}),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.sso === undefined ? {} : { sso: options.sso }),
  });
  await page.goto(`${baseUrl}/dev/teams-host.html?${query.toString()}`);
  const frame = await tabFrame(page);
  await frame.waitForLoadState('domcontentloaded');
  return frame;
}

/** Moves to a hash route inside the tab (as a link would). */
export async function go(frame: Frame, hash: string): Promise<void> {
  await frame.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
}

/** Saves a full-page screenshot of the host (with the tab inside) under test-results/screenshots. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/**
 * Presses Tab until the focused element is named `name` (its aria-label or its text), as a keyboard user would;
 * fails after `max` presses.
 */
export async function tabTo(page: Page, frame: Frame, name: string, max = 80): Promise<void> {
  for (let presses = 0; presses < max; presses++) {
    if ((await focusedName(frame)) === name) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`focus never reached '${name}' after ${max} Tab presses`);
}

/** The accessible name of the element that has focus inside the tab. */
export async function focusedName(frame: Frame): Promise<string> {
  // A string, evaluated in the page: this project compiles without the DOM library.
  return frame.evaluate<string>(
    `(() => {
      const e = document.activeElement;
      if (e === null) return '';
      const label = e.getAttribute('aria-label') ?? (e.labels && e.labels[0] ? e.labels[0].textContent : null);
      return (label ?? e.textContent).trim();
    })()`,
  );
}
