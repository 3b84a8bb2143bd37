/**
 * ContainerFiles is the little file access the docker containerizer needs on the agent's side — the sandbox's
 * `stdout`/`stderr` it streams container logs into, its own small records in the sandbox, and the lxcfs files it
 * looks for — kept behind an interface so that the containerizer itself does no Node I/O (`core/node/nodeContainerFiles.ts`
 * implements it).
 */
export interface ContainerFiles {
  /** readText reads a small file, or resolves undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  /** writeText replaces a small file, creating its parent directory (but no further ancestors). */
  writeText(path: string, text: string): Promise<void>;
  /** exists says whether `path` exists (any kind of file). */
  exists(path: string): Promise<boolean>;
  /** openAppend opens `path` for appending (creating it); write errors are reported to `onError`, once. */
  openAppend(path: string, onError: (err: Error) => void): AppendFile;
}

/** AppendFile is an open file that bytes are appended to, in order; `close` flushes and closes it. */
export interface AppendFile {
  write(data: Uint8Array): void;
  close(): Promise<void>;
}
