import type { ConsoleMessage, ConsoleRequestInput } from '../../core/protocol/console/channel.js';

/** TransportState is the link between the renderer and its host: up, or down and retrying. */
export type TransportState = 'open' | 'connecting' | 'closed';

/**
 * Transport carries the channel contract: Electron's preload bridge (IPC) or a WebSocket to `plateau console`.
 * The renderer above it does not know which.
 */
export interface Transport {
  send(request: ConsoleRequestInput): void;
  onMessage(fn: (message: ConsoleMessage) => void): void;
  onState(fn: (state: TransportState) => void): void;
  readonly kind: 'electron' | 'browser';
}

/** PlateauBridge is what electron/preload exposes as `window.plateau` through contextBridge. */
export interface PlateauBridge {
  send(request: unknown): void;
  onMessage(fn: (message: unknown) => void): void;
}

declare global {
  interface Window {
    plateau?: PlateauBridge;
  }
}

/** bridgeTransport speaks to Electron's main process through the preload bridge. */
export function bridgeTransport(bridge: PlateauBridge): Transport {
  const stateFns: Array<(s: TransportState) => void> = [];
  queueMicrotask(() => stateFns.forEach((fn) => fn('open')));
  return {
    kind: 'electron',
    send: (request) => bridge.send(request),
    onMessage: (fn) => bridge.onMessage((m) => fn(m as ConsoleMessage)),
    onState: (fn) => stateFns.push(fn),
  };
}

/**
 * webSocketTransport speaks to `plateau console` at `/channel`, re-opening the socket with backoff when it drops
 * (console restarted, laptop slept). The channel re-issues its streams when the state returns to 'open'.
 */
export function webSocketTransport(url: string): Transport {
  const messageFns: Array<(m: ConsoleMessage) => void> = [];
  const stateFns: Array<(s: TransportState) => void> = [];
  let socket: WebSocket | undefined;
  let failures = 0;
  const queue: string[] = [];
  const connect = () => {
    stateFns.forEach((fn) => fn('connecting'));
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      stateFns.forEach((fn) => fn('open'));
      while (queue.length > 0 && ws.readyState === WebSocket.OPEN) ws.send(queue.shift() as string);
    };
    ws.onmessage = (e) => {
      const message = JSON.parse(String(e.data)) as ConsoleMessage;
      messageFns.forEach((fn) => fn(message));
    };
    ws.onclose = () => {
      socket = undefined;
      stateFns.forEach((fn) => fn('closed'));
      const delay = Math.min(30_000, 500 * 2 ** Math.min(failures++, 6)) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    };
  };
  connect();
  return {
    kind: 'browser',
    send: (request) => {
      const text = JSON.stringify(request);
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    onMessage: (fn) => void messageFns.push(fn),
    onState: (fn) => void stateFns.push(fn),
  };
}
