import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentCheckpoint, AgentStore, TaskCheckpoint } from '../agent/agentStore.js';
import type { FrameworkInfo } from '../protocol/mesos/v1.js';

/**
 * FileAgentStore checkpoints an agent under `<work_dir>/meta`, one JSON file per framework and per
 * task, each written to a temporary file, fsynced and renamed into place, so a crash leaves either the
 * old or the new record and never a torn one.
 */
export class FileAgentStore implements AgentStore {
  private readonly meta: string;
  /** chains serialises writes per file so two updates of one task never race on its temporary file. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(workDir: string) {
    this.meta = join(workDir, 'meta');
  }

  async load(): Promise<AgentCheckpoint> {
    const agent = await readJson<{ agentId?: string }>(join(this.meta, 'agent.json'));
    const frameworks: AgentCheckpoint['frameworks'] = [];
    for (const f of await list(join(this.meta, 'frameworks'))) {
      const info = await readJson<FrameworkInfo & { id: { value: string } }>(join(this.meta, 'frameworks', f));
      if (info) frameworks.push(info);
    }
    const tasks: TaskCheckpoint[] = [];
    for (const fw of await list(join(this.meta, 'tasks'))) {
      for (const t of await list(join(this.meta, 'tasks', fw))) {
        const task = await readJson<TaskCheckpoint>(join(this.meta, 'tasks', fw, t));
        if (task) tasks.push(task);
      }
    }
    return { agentId: agent?.agentId, frameworks, tasks };
  }

  async saveAgentId(agentId: string | undefined): Promise<void> {
    await this.write(join(this.meta, 'agent.json'), { agentId });
  }

  async saveFramework(info: FrameworkInfo & { id: { value: string } }): Promise<void> {
    await this.write(join(this.meta, 'frameworks', `${safe(info.id.value)}.json`), info);
  }

  async removeFramework(frameworkId: string): Promise<void> {
    await rm(join(this.meta, 'frameworks', `${safe(frameworkId)}.json`), { force: true });
    await rm(join(this.meta, 'tasks', safe(frameworkId)), { recursive: true, force: true });
  }

  async saveTask(task: TaskCheckpoint): Promise<void> {
    await this.write(join(this.meta, 'tasks', safe(task.frameworkId), `${safe(task.task.task_id.value)}.json`), task);
  }

  async removeTask(frameworkId: string, taskId: string): Promise<void> {
    const path = join(this.meta, 'tasks', safe(frameworkId), `${safe(taskId)}.json`);
    await this.serial(path, () => rm(path, { force: true }));
  }

  private write(path: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    return this.serial(path, () => writeAtomic(path, text));
  }

  private serial(path: string, op: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(path) ?? Promise.resolve()).then(op, op);
    const settled = next.catch(() => undefined);
    this.chains.set(path, settled);
    void settled.then(() => {
      if (this.chains.get(path) === settled) this.chains.delete(path);
    });
    return next;
  }
}

function safe(id: string): string {
  return encodeURIComponent(id);
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => !f.endsWith('.tmp')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const dir = join(path, '..');
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
