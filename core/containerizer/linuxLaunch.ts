/**
 * Building blocks of the Mesos containerizer's launch command line, kept pure so they can be read (and tested) as
 * text: the `unshare` invocation that gives each container its own PID, mount, UTS and IPC namespaces, and the shell
 * lines its wrapper runs before it forks the task.
 */

/** LinuxBinaries are the programs the launch relies on (util-linux), by absolute path: the task's PATH is the task's. */
export interface LinuxBinaries {
  unshare: string;
  mount: string;
  setpriv: string;
}

/** DEFAULT_LINUX_BINARIES are where Debian (and every usrmerge distribution) installs util-linux. */
export const DEFAULT_LINUX_BINARIES: LinuxBinaries = { unshare: '/usr/bin/unshare', mount: '/usr/bin/mount', setpriv: '/usr/bin/setpriv' };

/** LXCFS_PROC_FILES are the `/proc` files lxcfs virtualises and the containerizer bind-mounts, as seed 000 does by hand. */
export const LXCFS_PROC_FILES = ['meminfo', 'cpuinfo', 'stat', 'uptime', 'loadavg', 'diskstats', 'swaps'] as const;

/**
 * namespacesPrefix is the argv that runs the wrapper shell as PID 1 of new PID, mount, UTS and IPC namespaces with a
 * fresh `/proc` (`--mount-proc`; mount propagation is private, so nothing mounted inside reaches the host).
 * `--fork` keeps `unshare` itself outside as the wrapper's parent — it blocks SIGTERM and passes the wrapper's exit
 * status on — and `--kill-child` takes the whole namespace down if `unshare` is SIGKILLed.
 */
export function namespacesPrefix(binaries: LinuxBinaries): string[] {
  return [binaries.unshare, '--pid', '--fork', '--kill-child', '--mount', '--uts', '--ipc', '--mount-proc', '--'];
}

/**
 * joinCgroupLines make the wrapper move itself into the container's cgroups (writing `0` means "the writer") before it
 * forks the task, so every process of the task is accounted and limited from its first instruction.
 */
export function joinCgroupLines(procsFiles: readonly string[]): string[] {
  if (procsFiles.length === 0) return [];
  return [
    `for plateau_procs in ${procsFiles.map(shellQuote).join(' ')}; do`,
    '  echo 0 > "$plateau_procs" || { echo "plateau: failed to join cgroup $plateau_procs" >&2; exit 1; }',
    'done',
  ];
}

/**
 * lxcfsFstab lists lxcfs's files as bind mounts over `/proc/<file>` in fstab(5) form, so one `mount --all` makes
 * them all: a single process instead of one `mount` per file (each costs about as much as the namespaces themselves).
 */
export function lxcfsFstab(lxcfsDir: string, files: readonly string[]): string {
  const field = (s: string): string => s.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return files.map((f) => `${field(`${lxcfsDir}/proc/${f}`)} ${field(`/proc/${f}`)} none bind 0 0\n`).join('');
}

/**
 * lxcfsMountLines bind-mount lxcfs's files (listed in `fstabPath`, see `lxcfsFstab`) over the container's `/proc`,
 * inside its private mount namespace. A file that cannot be mounted (lxcfs stopped since it was probed) is skipped:
 * the container then sees the host's numbers there, as it would with no lxcfs at all.
 */
export function lxcfsMountLines(mount: string, fstabPath: string): string[] {
  return [`${shellQuote(mount)} --fstab ${shellQuote(fstabPath)} --all 2>/dev/null || :`];
}

/** hostnameLines set the container's hostname in its own UTS namespace (through the fresh `/proc`). */
export function hostnameLines(hostname: string | undefined): string[] {
  if (hostname === undefined || hostname === '') return [];
  return [`printf '%s' ${shellQuote(hostname)} > /proc/sys/kernel/hostname || { echo 'plateau: failed to set the hostname' >&2; exit 1; }`];
}

/**
 * switchUserPrefix runs the task as `user` (name or uid) with that user's primary group and supplementary groups:
 * the wrapper runs as root, inside the namespaces, and only the task drops privileges.
 */
export function switchUserPrefix(shell: string, setpriv: string, user: string): string[] {
  const script = `u=$1; shift; g=$(id -g -- "$u") || exit 126; exec ${shellQuote(setpriv)} --reuid="$u" --regid="$g" --init-groups -- "$@"`;
  return [shell, '-c', script, 'plateau-switch-user', user];
}

/** shellQuote quotes one word for POSIX sh (single quotes, with embedded quotes closed and escaped). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
