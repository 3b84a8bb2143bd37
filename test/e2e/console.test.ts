import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { _electron, chromium, type Browser, type Page } from 'playwright-core';
import { electronAvailability, buildElectronMain, ELECTRON_MAIN_ENTRY } from '../../core/console/electronLauncher.js';
import { assertNothingRunning, killAll, processesMatching, startPlateau, tempDir, type PlateauProcess } from '../harness/plateauProcess.js';

// The console end to end, as an operator uses it: `plateau console --embedded` (the README's run command without
// Electron) with a real demo cluster, driven through Debian's Chromium. Every step is done in the UI; the checks
// read the UI. Screenshots go to test-artifacts/e2e/ for CI to keep.

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/e2e');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const APP_ID = '/e2e-web';

/** go follows an in-app link (hash routing works the same on http:// and Electron's plateau:// scheme). */
async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
}

/** scenario is the whole operator journey; it runs against any page showing the console (Chromium or Electron). */
async function scenario(page: Page, shot: (name: string) => Promise<void>): Promise<void> {
  // Overview: connected to the embedded cluster, three agents.
  await page.getByTestId('connection-status').filter({ hasText: 'connected' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('agents-active').filter({ hasText: '3' }).waitFor({ timeout: 30_000 });
  await shot('01-overview');

  // Deploy an app through the JSON editor.
  await go(page, `#/apps-new`);
  await page.getByRole('tab', { name: 'JSON' }).click();
  const editor = page.getByLabel('App definition JSON');
  await editor.fill(JSON.stringify({ id: APP_ID, cmd: 'sleep 100000', cpus: 0.1, mem: 32, instances: 1 }, null, 2));
  await shot('02-create');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(/#\/apps\/%2Fe2e-web$/, { timeout: 20_000 });
  await page.getByRole('heading', { name: APP_ID }).waitFor();

  // Its task reaches TASK_RUNNING.
  const runningRows = page.getByTestId('app-tasks').locator('[data-key]').filter({ has: page.locator('.state-RUNNING') });
  await runningRows.first().waitFor({ timeout: 60_000 });
  const firstTask = await runningRows.first().getAttribute('data-key');
  assert.ok(firstTask?.startsWith('e2e-web.'), `task id in Marathon's format: ${firstTask}`);
  await shot('03-running');

  // Offers flowed: the launch accepted an offer, and the offers view shows it.
  await go(page, `#/offers`);
  const table = page.getByTestId('offers-table');
  await table.waitFor({ timeout: 20_000 });
  await page.getByTestId('offer-counts').filter({ hasText: /accepted\D*[1-9]/i }).waitFor({ timeout: 20_000 });
  await shot('04-offers');

  // The container's memory chart shows the container's own limit: the 32 MiB the app asked for.
  await go(page, `#/apps/${encodeURIComponent(APP_ID)}`);
  await page.getByTestId('app-tasks').locator(`[data-key="${firstTask}"]`).getByRole('link', { name: 'Stats' }).click();
  await page.getByTestId('memory-chart').locator('svg').first().waitFor({ timeout: 30_000 });
  await page.getByTestId('memory-limit').filter({ hasText: /limit 32(\.0)? MiB/ }).waitFor({ timeout: 30_000 });
  await page.getByTestId('cpu-chart').locator('svg').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(4500); // a few samples, so the screenshot shows lines, not a point
  await shot('05-container');

  // Scale to 3 and back to 1.
  await go(page, `#/apps/${encodeURIComponent(APP_ID)}`);
  const scaleTo = async (n: number) => {
    await page.getByRole('button', { name: 'Scale', exact: true }).click();
    await page.getByLabel('Instances').fill(String(n));
    await page.getByRole('button', { name: 'Scale app' }).click();
    await page.waitForFunction(
      ([want]) => document.querySelectorAll('[data-testid="app-tasks"] [data-key] .state-RUNNING').length === want && document.querySelectorAll('[data-testid="app-tasks"] [data-key]').length === want,
      [n],
      { timeout: 60_000 },
    );
  };
  await scaleTo(3);
  await shot('06-scaled-to-3');
  await scaleTo(1);
  await shot('07-scaled-to-1');

  // Kill the task: Marathon replaces it, and the UI shows the replacement running.
  const survivor = await runningRows.first().getAttribute('data-key');
  await page.getByTestId('app-tasks').locator(`[data-key="${survivor}"]`).getByRole('button', { name: 'Kill', exact: true }).click();
  await page.waitForFunction(
    ([gone]) => {
      const rows = [...document.querySelectorAll('[data-testid="app-tasks"] [data-key]')];
      return rows.length === 1 && rows[0]?.getAttribute('data-key') !== gone && rows[0]?.querySelector('.state-RUNNING') !== null;
    },
    [survivor],
    { timeout: 60_000 },
  );
  await shot('08-replaced');

  // The Events view saw all of it.
  await go(page, `#/events`);
  await page.getByText('TASK_KILLED').first().waitFor({ timeout: 20_000 });
  await shot('09-events');
}

describe('console in Chromium against a real demo cluster', () => {
  let consoleProc: PlateauProcess;
  let browser: Browser;
  const dir = tempDir('e2e');
  const errors: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    consoleProc = await startPlateau(['console', '--embedded', '--port', '0', '--quiet', '--work_dir', join(dir.path, 'cluster')], {}, /Plateau console: open (http:\/\/\S+) in a browser/, 120_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
    await consoleProc?.kill('SIGTERM');
    await killAll();
    dir.remove();
    assert.deepEqual(await processesMatching('sleep 100000'), [], 'no task process left running');
    await assertNothingRunning();
  });

  it('deploys an app, sees it run, sees offers flow and its memory limit, scales it, and sees a killed task replaced', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(m.text());
    });
    await page.goto(consoleProc.url);
    try {
      await scenario(page, async (name) => void (await page.screenshot({ path: join(ARTIFACTS, `chromium-${name}.png`) })));
    } catch (err) {
      await page.screenshot({ path: join(ARTIFACTS, 'chromium-failure.png') });
      throw err;
    }
    // Both themes, switched the way a user does.
    await go(page, '#/overview');
    for (const n of [1, 2]) {
      await page.screenshot({ path: join(ARTIFACTS, `chromium-10-overview-theme-${n}.png`) });
      await page.getByRole('button', { name: 'Toggle theme' }).click();
    }
    assert.deepEqual(errors, [], 'no errors in the page');
    await page.close();
  });
});

// The same journey in the desktop app, through Playwright's Electron driver, wherever an Electron binary can run.
// npm's electron package fetches its binary from GitHub on first use; where that host is unreachable (CI here) or
// there is no display, the run cannot happen, and this file says so instead of pretending it ran.
const electron = await electronAvailability();
if (!electron.ok) {
  process.stdout.write(`# e2e: the Electron run of the console suite did not run: ${electron.reason}. The Chromium run above covers the same renderer and channel contract.\n`);
} else {
  describe('console in the Electron app', () => {
    it('runs the same journey in the desktop window', async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      await buildElectronMain();
      const dir = tempDir('e2e-electron');
      const app = await _electron.launch({ executablePath: electron.binary, args: [ELECTRON_MAIN_ENTRY], env: { ...process.env, PLATEAU_NODE: process.execPath, PLATEAU_CONSOLE_AGENTS: '3' } as Record<string, string> });
      try {
        const page = await app.firstWindow();
        await scenario(page, async (name) => void (await page.screenshot({ path: join(ARTIFACTS, `electron-${name}.png`) })));
      } finally {
        await app.close();
        dir.remove();
      }
    });
  });
}
