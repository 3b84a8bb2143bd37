/**
 * AppNormalizationConfig carries the Marathon flags and the group context that change how an app body is
 * normalised and validated (`AppNormalization.Config` plus the role settings `RoleSettings.forService` derives).
 */
export interface AppNormalizationConfig {
  /** parentId is the absolute id relative ids resolve against: `/` for `/v2/apps`, the group for group bodies. */
  parentId?: string;
  /** now is the time of the request (ms since the epoch or an ISO string); it becomes the app's `version`. */
  now: number | string;
  /** defaultRole is the role an app without `role` gets (`--mesos_role`, or the enforcing group's role); default `*`. */
  defaultRole?: string;
  /** validRoles are the roles the app may name; default just `defaultRole`. */
  validRoles?: readonly string[];
  /** enabledFeatures are `--enable_features` (`secrets`, `gpu_resources`, `external_volumes`); default none. */
  enabledFeatures?: readonly string[];
  /** defaultNetworkName is `--default_network_name`, given to unnamed container networks. */
  defaultNetworkName?: string;
  /** mesosBridgeName is `--mesos_bridge_name` (default `mesos-bridge`). */
  mesosBridgeName?: string;
}

/** ResolvedConfig is `AppNormalizationConfig` with every default applied. */
export interface ResolvedConfig {
  parentId: string;
  now: string;
  defaultRole: string;
  validRoles: readonly string[];
  enabledFeatures: readonly string[];
  defaultNetworkName: string | undefined;
  mesosBridgeName: string;
}

/**
 * isoTimestamp prints milliseconds since the epoch as Marathon prints timestamps (`2015-09-25T15:13:48.343Z`),
 * without reading a clock, so pure code can turn a `Clock` reading into a version.
 */
export function isoTimestamp(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hh = Math.floor(rest / 3_600_000);
  rest -= hh * 3_600_000;
  const mm = Math.floor(rest / 60_000);
  rest -= mm * 60_000;
  const ss = Math.floor(rest / 1000);
  const milli = rest - ss * 1000;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hh)}:${pad(mm)}:${pad(ss)}.${pad(milli, 3)}Z`;
}

// A module-level helper rather than a closure made on every call: timestamps are printed for every status update.
function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** resolveConfig fills the defaults of `AppNormalizationConfig`. */
export function resolveConfig(config: AppNormalizationConfig): ResolvedConfig {
  const defaultRole = config.defaultRole ?? '*';
  return {
    parentId: config.parentId ?? '/',
    now: typeof config.now === 'number' ? isoTimestamp(config.now) : config.now,
    defaultRole,
    validRoles: config.validRoles ?? [defaultRole],
    enabledFeatures: config.enabledFeatures ?? [],
    defaultNetworkName: config.defaultNetworkName,
    mesosBridgeName: config.mesosBridgeName ?? 'mesos-bridge',
  };
}
