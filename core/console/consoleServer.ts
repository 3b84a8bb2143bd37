import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { ConsoleMessage } from '../protocol/console/channel.js';
import type { ConsoleClient, ConsoleHost } from './consoleHost.js';

/** ConsoleServerOptions say where `plateau console` listens and which renderer build it serves. */
export interface ConsoleServerOptions {
  host: string;
  port: number;
  rendererDir: string;
  consoleHost: ConsoleHost;
}

/** RunningConsoleServer is a listening console server and its owner handle. */
export interface RunningConsoleServer {
  url: string;
  dispose(): Promise<void>;
}

/**
 * CONTENT_SECURITY_POLICY is the renderer's CSP, the same in Electron and the browser: scripts only from the app
 * itself, no eval, network only back to the host (the channel). Inline style attributes are allowed because the
 * chart library positions SVG tooltips with them.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/**
 * startConsoleServer serves the renderer to a browser and carries the channel contract over a WebSocket at
 * `/channel`. The socket accepts only pages served by this server (same Origin), so another web page open in the
 * same browser cannot drive the user's clusters through it; messages are validated by the host as in Electron.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<RunningConsoleServer> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  await app.register(fastifyWebsocket, { options: { maxPayload: 4 * 1024 * 1024 } });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    return payload;
  });
  app.get('/channel', { websocket: true }, (socket, req) => {
    const origin = req.headers.origin;
    if (origin !== `http://${req.headers.host}`) {
      socket.close(1008, 'origin not allowed');
      return;
    }
    const client: ConsoleClient = {
      send: (message: ConsoleMessage) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
      },
    };
    const attached = options.consoleHost.attach(client);
    socket.on('message', (data: Buffer) => {
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString('utf8'));
      } catch {
        client.send({ kind: 'result', id: -1, ok: false, error: { code: 'INVALID', message: 'message is not JSON' } });
        return;
      }
      void options.consoleHost.handle(client, raw);
    });
    socket.on('close', () => void attached.dispose());
  });
  await app.register(fastifyStatic, { root: options.rendererDir, prefix: '/', index: ['index.html'] });
  // Client-side routes (#/apps ...) need no server fallback: the renderer uses hash routing.
  const address = await app.listen({ host: options.host, port: options.port });
  const url = new URL(address);
  if (options.host === '127.0.0.1' || options.host === 'localhost') url.hostname = options.host;
  return {
    url: url.origin,
    dispose: async () => {
      for (const client of app.websocketServer.clients) client.terminate();
      await app.close();
    },
  };
}
