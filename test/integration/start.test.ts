// The README's run command, `npm start` = `plateau start`: where Electron cannot run (no display here, no binary
// in CI) it says why and serves the console with the embedded demo cluster to a browser; SIGTERM stops it all.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { killAll, processesMatching, startPlateau, tempDir } from '../harness/plateauProcess.js';

const dir = tempDir('start');

describe('plateau start', { timeout: 180_000 }, () => {
  after(async () => {
    await killAll();
    dir.remove();
  });

  it('falls back to the browser console with the demo cluster, saying why, and stops cleanly', async () => {
    const env: NodeJS.ProcessEnv = { DISPLAY: '', WAYLAND_DISPLAY: '' };
    const start = await startPlateau(['start', '--port', '0', '--quiet', '--work_dir', dir.path], env, /open (http:\/\/[\d.]+:\d+) in a browser/, 120_000);
    assert.match(start.output(), /The desktop app cannot start here: there is no display/, 'the reason is printed');
    assert.match(start.output(), /Falling back to the browser console/, 'the fallback is announced');
    const page = await fetch(start.url);
    assert.equal(page.status, 200, 'the console page is served');
    assert.match(await page.text(), /<div id="root">/, 'the renderer page');
    const bundle = await fetch(`${start.url}/main.js`);
    assert.equal(bundle.status, 200, 'the renderer bundle is served');
    await bundle.arrayBuffer();
    await start.kill('SIGTERM');
    assert.equal(start.proc.exitCode, 0, 'clean exit');
    assert.deepEqual(await processesMatching(dir.path), [], 'no demo process left');
  });
});
