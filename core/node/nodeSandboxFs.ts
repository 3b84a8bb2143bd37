import { chmod, chown, mkdir, readFile, rename, rm, symlink, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CoreError } from '../common/errors.js';
import type { SandboxFs } from '../agent/sandbox.js';

/** NodeSandboxFs is the real `SandboxFs` on `node:fs`. */
export class NodeSandboxFs implements SandboxFs {
  async makeDirectory(path: string, mode: number): Promise<void> {
    await mkdir(path, { recursive: true });
    // mkdir's mode is filtered through the umask; chmod sets exactly what was asked.
    await chmod(path, mode);
  }

  async replaceSymlink(target: string, linkPath: string): Promise<void> {
    await mkdir(dirname(linkPath), { recursive: true });
    // Create the new link beside the old one and rename it over, so readers never see the link missing.
    const temp = `${linkPath}.tmp-${process.pid}`;
    await unlink(temp).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await symlink(target, temp);
    await rename(temp, linkPath);
  }

  async removeTree(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true, maxRetries: 3 });
  }

  async setOwner(path: string, user: string): Promise<void> {
    const passwd = await readFile('/etc/passwd', 'utf8');
    for (const line of passwd.split('\n')) {
      const [name, , uid, gid] = line.split(':');
      if (name === user && uid !== undefined && gid !== undefined) {
        await chown(path, Number(uid), Number(gid));
        return;
      }
    }
    throw new CoreError('INVALID', `Failed to chown '${path}' to user '${user}': no such user`);
  }
}
