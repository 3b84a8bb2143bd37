/** Logger is the small logging surface core modules get; the CLI backs it with stderr lines. */
export interface Logger {
  /** infoEnabled is false when `info` drops its messages (`--quiet`), so a caller can skip building costly ones. */
  readonly infoEnabled?: boolean;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** consoleLogger writes `I1122 21:56:31.123 [name] message` lines to stderr, in the spirit of Mesos's glog output. */
export function consoleLogger(name: string, quiet = false): Logger {
  const line = (level: string, msg: string) => {
    const d = new Date();
    const stamp = `${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')} ${d.toISOString().slice(11, 23)}`;
    process.stderr.write(`${level}${stamp} [${name}] ${msg}\n`);
  };
  return {
    infoEnabled: !quiet,
    info: (msg) => {
      if (!quiet) line('I', msg);
    },
    warn: (msg) => line('W', msg),
    error: (msg) => line('E', msg),
  };
}
