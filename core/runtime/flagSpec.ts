import type { Command } from 'commander';
import { parseDuration } from '../common/duration.js';
import { invalid } from '../common/errors.js';

/** FlagKind says how a flag's text becomes a value; `duration` takes Mesos's `15secs` form. */
export type FlagKind = 'string' | 'number' | 'duration' | 'boolean';

/** FlagSpec describes one command-line flag under its Mesos name. */
export interface FlagSpec {
  name: string;
  kind: FlagKind;
  help: string;
  default?: string;
}

/**
 * addFlags declares `specs` on a commander command as `--name <value>`, so `--help` lists the Mesos
 * names; values are read by `readFlags`, which also consults the `MESOS_<NAME>` environment twins.
 */
export function addFlags(cmd: Command, specs: readonly FlagSpec[], prefix = 'MESOS_'): Command {
  for (const spec of specs) {
    const env = envName(spec.name, prefix);
    const help = `${spec.help} (env ${env}${spec.default !== undefined ? `; default ${spec.default}` : ''})`;
    if (spec.kind === 'boolean') cmd.option(`--${spec.name} [bool]`, help);
    else cmd.option(`--${spec.name} <value>`, help);
  }
  return cmd;
}

/** envName is a flag's environment twin, as Mesos and Marathon read them: `MESOS_` (or `MARATHON_`) and the flag name in upper case. */
export function envName(flag: string, prefix = 'MESOS_'): string {
  return `${prefix}${flag.toUpperCase()}`;
}

/**
 * readFlags resolves every flag: the command line wins over `MESOS_<NAME>`, which wins over the default.
 * Durations come back in milliseconds. An invalid value throws with the flag named, as Mesos's
 * flag parser does, so a typo stops start-up rather than running with a surprise.
 */
export function readFlags(specs: readonly FlagSpec[], opts: Record<string, unknown>, env: NodeJS.ProcessEnv, prefix = 'MESOS_'): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const spec of specs) {
    const key = camel(spec.name);
    const cli = opts[key] ?? opts[spec.name];
    const raw = cli !== undefined ? (cli === true ? 'true' : String(cli)) : (env[envName(spec.name, prefix)] ?? spec.default);
    if (raw === undefined) {
      out[spec.name] = undefined;
      continue;
    }
    try {
      out[spec.name] = convert(spec.kind, raw);
    } catch (err) {
      throw invalid(`Failed to load flag '${spec.name}': ${(err as Error).message}`);
    }
  }
  return out;
}

function convert(kind: FlagKind, raw: string): string | number | boolean {
  switch (kind) {
    case 'string':
      return raw;
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`'${raw}' is not a number`);
      return n;
    }
    case 'duration':
      return parseDuration(raw);
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new Error(`'${raw}' is not a boolean`);
  }
}

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}
