import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** ELECTRON_MAIN_ENTRY is the bundled Electron main process (built from electron/main.ts). */
export const ELECTRON_MAIN_ENTRY = join(REPO_ROOT, '.work', 'electron', 'main.mjs');

/** ElectronAvailability says whether the desktop app can start here, and if not, exactly why. */
export type ElectronAvailability = { ok: true; binary: string; version: string } | { ok: false; reason: string };

/**
 * electronAvailability finds a runnable Electron: npm's `electron` package fetches its binary on first use from
 * GitHub, which some machines cannot reach (CI here, for one); it also needs a display. The caller falls back to
 * the browser console and says why, rather than failing or pretending.
 */
export async function electronAvailability(): Promise<ElectronAvailability> {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { ok: false, reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: "npm's electron package is not installed" };
  }
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const binary = () => {
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const p = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(p) ? p : undefined;
  };
  let found = binary();
  if (!found) {
    process.stdout.write(`Fetching the Electron ${version} binary (npm's electron package downloads it on first use)...\n`);
    const r = spawnSync(process.execPath, [join(pkgDir, 'install.js')], { stdio: ['ignore', 'inherit', 'pipe'], timeout: 180_000, encoding: 'utf8' });
    found = binary();
    if (!found) {
      const lines = (r.stderr || '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('at '));
      const why = lines.find((l) => /error/i.test(l)) ?? lines[0] ?? (r.error ? r.error.message : `exit ${r.status}`);
      return { ok: false, reason: `the Electron ${version} binary could not be downloaded (${why})` };
    }
  }
  return { ok: true, binary: found, version };
}

/** buildElectronMain bundles electron/main.ts (ESM) and electron/preload.ts (CommonJS, as sandboxed preloads must be). */
export async function buildElectronMain(): Promise<void> {
  const external = ['electron', 'better-sqlite3', 'dockerode', 'ssh2', 'cpu-features', 'esbuild', 'undici'];
  await build({ entryPoints: [join(REPO_ROOT, 'electron', 'main.ts')], outfile: ELECTRON_MAIN_ENTRY, bundle: true, platform: 'node', format: 'esm', target: 'node20', external, logLevel: 'warning', banner: { js: "import { createRequire as __plateauRequire } from 'node:module'; const require = __plateauRequire(import.meta.url);" } });
  await build({ entryPoints: [join(REPO_ROOT, 'electron', 'preload.ts')], outfile: join(dirname(ELECTRON_MAIN_ENTRY), 'preload.cjs'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['electron'], logLevel: 'warning' });
}
