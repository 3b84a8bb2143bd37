// The desktop app's preload: the only bridge between the sandboxed renderer and the main process. It exposes one
// typed object, `window.plateau`, with two functions; no Electron or Node object crosses the bridge.
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('plateau', {
  send: (request: unknown) => ipcRenderer.send('plateau:call', request),
  onMessage: (fn: (message: unknown) => void) => {
    ipcRenderer.on('plateau:message', (_event, message: unknown) => fn(message));
  },
});
