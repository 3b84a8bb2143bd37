import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** REPO_ROOT is where renderer/ lives, found from this file so the CLI works from any working directory. */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** DEFAULT_RENDERER_DIR is where the built renderer goes (ignored by git). */
export const DEFAULT_RENDERER_DIR = join(REPO_ROOT, '.work', 'renderer');

/**
 * buildRenderer bundles renderer/ into `outDir` with esbuild: one minified ES module for the browser and Electron
 * alike, plus index.html and the stylesheet. It takes about a second, so the console builds at start rather than
 * shipping a stale bundle.
 */
export async function buildRenderer(outDir = DEFAULT_RENDERER_DIR): Promise<string> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(REPO_ROOT, 'renderer', 'main.tsx')],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    minify: true,
    sourcemap: 'linked',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    legalComments: 'linked',
  });
  await copyFile(join(REPO_ROOT, 'renderer', 'index.html'), join(outDir, 'index.html'));
  await copyFile(join(REPO_ROOT, 'renderer', 'styles.css'), join(outDir, 'styles.css'));
  return outDir;
}
