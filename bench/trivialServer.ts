// bench/trivialServer.ts is the Marathon benchmark's floor: a Node HTTP server in a process of its own (as
// Marathon is) that answers every request with the same bytes and does nothing else, so the latency a probe
// measures against it is what this machine allows any Node server at that moment. It answers `serve` (with
// the bytes, base64) with the URL it listens on.
import http from 'node:http';
import { answerParent } from './benchChild.js';

let server: http.Server | undefined;
answerParent(
  {
    serve: async (m) => {
      const bytes = Buffer.from(String(m.body), 'base64');
      const s = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length }).end(bytes));
      server = s;
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      return { url: `http://127.0.0.1:${(s.address() as { port: number }).port}/` };
    },
  },
  async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  },
);
