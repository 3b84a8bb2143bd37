// The desktop app's main process: a thin shell. Everything it does is in core/console (ConsoleHost, connections,
// SavedConnections, ipcGuard), which the browser console and the tests share; this file only wires Electron to it,
// following Electron's security checklist (contextIsolation, sandbox, no nodeIntegration, CSP, a custom scheme
// instead of file://, IPC senders validated, navigation, new windows and permissions denied).
import { app, BrowserWindow, ipcMain, net, powerMonitor, protocol, safeStorage, session } from 'electron';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConsoleHost, type ConsoleClient } from '../core/console/consoleHost.js';
import { CONTENT_SECURITY_POLICY } from '../core/console/consoleServer.js';
import { startDemoProcess } from '../core/console/demoProcess.js';
import { EmbeddedConnection } from '../core/console/embeddedConnection.js';
import { APP_ORIGIN, isAllowedNavigation, isTrustedSender } from '../core/console/ipcGuard.js';
import { DEFAULT_RENDERER_DIR } from '../core/console/rendererBuild.js';
import { SavedConnections } from '../core/console/savedConnections.js';
import { WakeDetector } from '../core/console/wakeDetector.js';
import { CryptoRng } from '../core/node/cryptoRng.js';
import { SystemClock } from '../core/node/systemClock.js';
import type { ConnectionSpec } from '../core/protocol/console/channel.js';
import { startDemoCluster } from '../core/runtime/demoCluster.js';

protocol.registerSchemesAsPrivileged([{ scheme: 'plateau', privileges: { standard: true, secure: true, supportFetchAPI: false } }]);

const clock = new SystemClock();
const rng = new CryptoRng();
const rendererDir = process.env.PLATEAU_RENDERER_DIR ?? DEFAULT_RENDERER_DIR;
let saved: SavedConnections | undefined;
const savedIds = new Map<string, Extract<ConnectionSpec, { kind: 'remote' }>>();

const host = new ConsoleHost({
  clock,
  rng,
  host: 'electron',
  // The demo cluster runs under Node when `plateau start` says where Node is (its native modules are built for
  // Node's ABI, not Electron's); a packaged app with rebuilt modules runs it in this process.
  openEmbedded: (id, spec) =>
    EmbeddedConnection.start(id, spec.name, { agents: spec.agents, port: 0, marathonPort: 0, workDir: join(app.getPath('userData'), 'demo'), quiet: true }, { clock, rng, startDemo: (o) => (process.env.PLATEAU_NODE ? startDemoProcess(o, process.env.PLATEAU_NODE) : startDemoCluster(o)) }),
  remember: {
    opened: (id, spec) => {
      savedIds.set(id, spec);
      saved?.save(spec);
    },
    closed: (id) => {
      const spec = savedIds.get(id);
      if (spec) saved?.forget(spec);
      savedIds.delete(id);
    },
  },
});
const wake = new WakeDetector(clock, () => host.wake());

async function createWindow(): Promise<void> {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Plateau',
    show: false,
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: join(import.meta.dirname, 'preload.cjs') },
  });
  const client: ConsoleClient = { send: (m) => !win.isDestroyed() && win.webContents.send('plateau:message', m) };
  const attached = host.attach(client);
  const onCall = (event: Electron.IpcMainEvent, raw: unknown) => {
    if (event.sender !== win.webContents || !isTrustedSender(event.senderFrame?.url)) return;
    void host.handle(client, raw);
  };
  ipcMain.on('plateau:call', onCall);
  win.on('closed', () => {
    ipcMain.removeListener('plateau:call', onCall);
    void attached.dispose();
  });
  win.once('ready-to-show', () => win.show());
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  protocol.handle('plateau', async (request) => {
    const { pathname } = new URL(request.url);
    const file = normalize(join(rendererDir, decodeURIComponent(pathname)));
    if (!file.startsWith(rendererDir)) return new Response('Not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return new Response(res.body, { status: res.status, headers });
  });
  saved = new SavedConnections(join(app.getPath('userData'), 'connections.json'), {
    get available() {
      return safeStorage.isEncryptionAvailable();
    },
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  });
  powerMonitor.on('resume', () => host.wake());
  const agents = Number(process.env.PLATEAU_CONSOLE_AGENTS ?? 3);
  await createWindow();
  // The demo cluster starts behind the window, which shows "starting" until it is up.
  void host.open({ kind: 'embedded', name: 'Demo cluster', agents: Number.isFinite(agents) && agents > 0 ? agents : 3 }).catch((err: Error) => process.stderr.write(`Demo cluster failed to start: ${err.message}\n`));
  for (const spec of saved.list()) void host.open(spec).catch(() => undefined);
}, (err: Error) => {
  process.stderr.write(`Plateau failed to start: ${err.message}\n`);
  app.exit(1);
});

app.on('window-all-closed', () => app.quit());
let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return;
  quitting = true;
  event.preventDefault();
  wake.dispose();
  void host.dispose().finally(() => app.exit(0));
});
