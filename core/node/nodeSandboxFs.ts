import { chmod, chown, mkdir, readFile, rename, rm, symlink, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CoreError } from '../common/errors.js';
import type { SandboxFs } from '../agent/sandbox.js';

/** linkSerial numbers `replaceSymlink` calls so concurrent ones never share a temporary link. */
let linkSerial = 0;

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
    // The temporary name is this call's own: the agent makes two sandboxes of one executor at once (the master
    // sends each task of a group as its own RUN_TASK_GROUP), and with a name shared per process one call
    // unlinked or renamed away the other's link, failing that task's launch with EEXIST or ENOENT.
    const temp = `${linkPath}.tmp-${process.pid}-${++linkSerial}`;
    await unlink(temp).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await symlink(target, temp);
    try {
      await rename(temp, linkPath);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
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
