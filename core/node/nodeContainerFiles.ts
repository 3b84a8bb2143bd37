import { createWriteStream } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AppendFile, ContainerFiles } from '../containerizer/docker/containerFiles.js';

/** NodeContainerFiles is the real `ContainerFiles`: `node:fs`, with append streams for the sandbox's log files. */
export class NodeContainerFiles implements ContainerFiles {
  async readText(path: string): Promise<string | undefined> {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async writeText(path: string, text: string): Promise<void> {
    await mkdir(dirname(path), { recursive: false }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await writeFile(path, text);
  }

  async exists(path: string): Promise<boolean> {
    try {
      await access(path);
      return true;
    } catch {
      return false;
    }
  }

  openAppend(path: string, onError: (err: Error) => void): AppendFile {
    const stream = createWriteStream(path, { flags: 'a' });
    let failed = false;
    stream.on('error', (err) => {
      if (failed) return;
      failed = true;
      onError(err);
    });
    return {
      write: (data) => {
        if (!failed && !stream.destroyed) stream.write(data);
      },
      close: () =>
        new Promise<void>((resolve) => {
          if (stream.destroyed || failed) {
            stream.destroy();
            resolve();
            return;
          }
          stream.end(() => resolve());
        }),
    };
  }
}
