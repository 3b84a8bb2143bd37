import { connect } from 'node:net';

/**
 * fourLetterWord sends a ZooKeeper four-letter command (`srvr`, `mntr`) to `host:port` and returns the answer the
 * server writes before closing; needs `4lw.commands.whitelist` to allow the word.
 */
export function fourLetterWord(server: string, word: string, timeoutMs = 2000): Promise<string> {
  const colon = server.lastIndexOf(':');
  const host = server.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(server.slice(colon + 1));
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let out = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${word} timed out after ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(word));
    socket.on('data', (d: Buffer) => (out += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (!hadError) resolve(out);
    });
  });
}
