import { join } from 'node:path';
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Disposable } from '../../common/lifecycle.js';
import type { AppendFile, ContainerFiles } from './containerFiles.js';
import type { DockerClient, LogRecord } from './dockerClient.js';

/** LOG_MARK_FILE is the sandbox file (under `.plateau/`) holding the timestamp of the last log message written. */
export const LOG_MARK_FILE = join('.plateau', 'docker_log_mark');

/** DockerLogPumpOptions configures one container's `DockerLogPump`. */
export interface DockerLogPumpOptions {
  client: DockerClient;
  files: ContainerFiles;
  clock: Clock;
  dockerId: string;
  sandboxDir: string;
  /** markIntervalMs bounds how stale the persisted mark may get while output flows; default 1000. */
  markIntervalMs?: number;
  warn: (message: string, err?: unknown) => void;
}

/**
 * DockerLogPump follows a container's log stream (the Engine API's `logs?follow=1&timestamps=1`) into the sandbox's
 * `stdout` and `stderr` files, the way Mesos runs `docker logs --follow` into them.
 *
 * Resuming after an agent restart: every message carries Docker's nanosecond timestamp; the pump records the
 * timestamp of the last message it wrote in `<sandbox>/.plateau/docker_log_mark` (at most `markIntervalMs` after
 * writing it, and at once when closed). A recovered container's stream is reopened with `since=<mark>` — Docker's
 * `since` is inclusive — and messages at or before the mark are skipped. So a clean agent restart duplicates nothing
 * and loses nothing; a crash duplicates at most the last `markIntervalMs` of output (never loses any, as long as the
 * container has not been removed). Without any mark (a crash before the first one was written) the stream is replayed
 * from the start.
 */
export class DockerLogPump implements Disposable {
  /** ended resolves when the stream has ended (the container stopped and its logs are drained) or the pump was closed. */
  readonly ended: Promise<void>;
  private endedResolve!: () => void;
  private stdout: AppendFile | undefined;
  private stderr: AppendFile | undefined;
  private follow: Disposable | undefined;
  private mark: { text: string; key: TimestampKey } | undefined;
  /** resumedAt is the mark the pump resumed from: records up to it are already in the sandbox. */
  private resumedAt: { text: string; key: TimestampKey } | undefined;
  private persisted: string | undefined;
  private persistTimer: TimerHandle | undefined;
  private closed = false;
  private readonly markIntervalMs: number;

  constructor(private readonly o: DockerLogPumpOptions) {
    this.markIntervalMs = o.markIntervalMs ?? 1000;
    this.ended = new Promise<void>((resolve) => (this.endedResolve = resolve));
  }

  /** readMark reads the persisted mark of a sandbox, if any. */
  static async readMark(files: ContainerFiles, sandboxDir: string): Promise<string | undefined> {
    const text = (await files.readText(join(sandboxDir, LOG_MARK_FILE)))?.trim();
    return text && parseDockerTimestamp(text) ? text : undefined;
  }

  /** start opens the sandbox files and the stream; `resumeAfter` is a mark from `readMark` (absent: from the start). */
  start(resumeAfter?: string): void {
    const key = resumeAfter === undefined ? undefined : parseDockerTimestamp(resumeAfter);
    if (resumeAfter !== undefined && key) this.mark = this.resumedAt = { text: resumeAfter, key };
    this.persisted = resumeAfter;
    const onError = (err: Error) => this.o.warn(`Failed to write the logs of container ${this.o.dockerId} to the sandbox`, err);
    this.stdout = this.o.files.openAppend(join(this.o.sandboxDir, 'stdout'), onError);
    this.stderr = this.o.files.openAppend(join(this.o.sandboxDir, 'stderr'), onError);
    this.follow = this.o.client.followLogs(this.o.dockerId, {
      ...(key ? { since: `${key.seconds}.${String(key.nanos).padStart(9, '0')}` } : {}),
      onRecord: (r) => this.onRecord(r),
      onEnd: (err) => {
        if (err && !this.closed) this.o.warn(`The log stream of container ${this.o.dockerId} failed`, err);
        this.endedResolve();
      },
    });
  }

  private onRecord(record: LogRecord): void {
    if (this.closed) return;
    const key = parseDockerTimestamp(record.timestamp);
    // Only what the sandbox already holds from before a restart is skipped. Docker merges stdout and stderr without
    // ordering them against each other, so a stderr line may arrive after a later stdout line: dropping every record
    // older than the newest seen lost such lines.
    if (key && this.resumedAt && compareKeys(key, this.resumedAt.key) <= 0) return;
    (record.stream === 'stderr' ? this.stderr : this.stdout)?.write(record.data);
    if (!key) return;
    if (!this.mark || compareKeys(key, this.mark.key) > 0) this.mark = { text: record.timestamp, key };
    this.persistTimer ??= this.o.clock.setTimeout(() => {
      this.persistTimer = undefined;
      void this.persistMark();
    }, this.markIntervalMs);
  }

  private async persistMark(): Promise<void> {
    const text = this.mark?.text;
    if (text === undefined || text === this.persisted) return;
    this.persisted = text;
    try {
      await this.o.files.writeText(join(this.o.sandboxDir, LOG_MARK_FILE), `${text}\n`);
    } catch (err) {
      this.o.warn(`Failed to record the log position of container ${this.o.dockerId}`, err);
    }
  }

  /** dispose stops following, records the mark and closes the sandbox files; safe to call twice. */
  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.persistTimer?.cancel();
    this.persistTimer = undefined;
    await this.follow?.dispose();
    this.endedResolve();
    await this.persistMark();
    await Promise.all([this.stdout?.close(), this.stderr?.close()]);
  }
}

/** TimestampKey is a Docker timestamp as whole seconds since the epoch and nanoseconds, for exact comparison. */
export interface TimestampKey {
  seconds: number;
  nanos: number;
}

/** parseDockerTimestamp reads an RFC 3339 timestamp with up to nine fraction digits (Docker's `RFC3339Nano`). */
export function parseDockerTimestamp(text: string): TimestampKey | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1] as string}${m[3] as string}`);
  if (Number.isNaN(ms)) return undefined;
  return { seconds: Math.floor(ms / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

function compareKeys(a: TimestampKey, b: TimestampKey): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}
