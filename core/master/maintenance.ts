import { invalid } from '../common/errors.js';

/** MachineId names a machine as Mesos's maintenance primitives do: hostname and/or IP, both compared exactly. */
export interface MachineId {
  hostname?: string;
  ip?: string;
}

/** Unavailability is when a machine is expected to go away, and for how long (nanoseconds, as on the wire). */
export interface Unavailability {
  start: { nanoseconds: number };
  duration?: { nanoseconds: number };
}

/** MaintenanceWindow is a set of machines that share one unavailability. */
export interface MaintenanceWindow {
  machine_ids: MachineId[];
  unavailability: Unavailability;
}

/** MaintenanceSchedule is what `/master/maintenance/schedule` takes and gives. */
export interface MaintenanceSchedule {
  windows: MaintenanceWindow[];
}

/** MachineMode is a machine's place in maintenance: UP (not scheduled), DRAINING (scheduled), DOWN (in maintenance). */
export type MachineMode = 'UP' | 'DRAINING' | 'DOWN';

/** MaintenanceState is what the registry keeps: the schedule, and which scheduled machines are down. */
export interface MaintenanceState {
  schedule: MaintenanceSchedule;
  down: MachineId[];
}

/** machineKey identifies a machine: hostnames are not case-sensitive, and an omitted field is the empty string. */
export function machineKey(id: MachineId): string {
  return `${(id.hostname ?? '').toLowerCase()}|${id.ip ?? ''}`;
}

/** machineJson is a machine id as Mesos prints it in its error messages. */
function machineJson(id: MachineId): string {
  return JSON.stringify({ ...(id.hostname !== undefined ? { hostname: id.hostname } : {}), ...(id.ip !== undefined ? { ip: id.ip } : {}) });
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** readMachineId checks one machine id as Mesos's `validation::machine` does. */
function readMachineId(value: unknown): MachineId {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`Expecting a machine id object, got ${JSON.stringify(value)}`);
  const v = value as Record<string, unknown>;
  for (const field of ['hostname', 'ip']) if (v[field] !== undefined && typeof v[field] !== 'string') throw invalid(`Expecting '${field}' of a machine id to be a string`);
  const id: MachineId = { ...(v.hostname !== undefined ? { hostname: v.hostname as string } : {}), ...(v.ip !== undefined ? { ip: v.ip as string } : {}) };
  if (!id.hostname && !id.ip) throw invalid("Both 'hostname' and 'ip' for a machine are empty");
  if (id.ip && !IPV4.test(id.ip)) throw invalid(`Failed to parse IP address '${id.ip}'`);
  return id;
}

function nanos(value: unknown, what: string): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(`Expecting '${what}' to be a number of nanoseconds`);
  return n;
}

/** readMachineIds checks a list of machines (`/machine/down`, `/machine/up`) as Mesos's `validation::machines` does. */
export function readMachineIds(value: unknown): MachineId[] {
  if (!Array.isArray(value)) throw invalid('Expecting a JSON array of machine ids');
  if (value.length === 0) throw invalid('List of machines is empty');
  const ids = value.map(readMachineId);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(machineKey(id))) throw invalid(`Machine '${machineJson(id)}' appears more than once in the schedule`);
    seen.add(machineKey(id));
  }
  return ids;
}

/** readSchedule parses a maintenance schedule, checking what Mesos's `validation::schedule` checks of its shape. */
export function readSchedule(value: unknown): MaintenanceSchedule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('Expecting a maintenance schedule object');
  const windows = (value as { windows?: unknown }).windows ?? [];
  if (!Array.isArray(windows)) throw invalid("Expecting 'windows' to be an array");
  const seen = new Set<string>();
  return {
    windows: windows.map((w: unknown) => {
      const window = (w ?? {}) as { machine_ids?: unknown; unavailability?: { start?: { nanoseconds?: unknown }; duration?: { nanoseconds?: unknown } } };
      if (!Array.isArray(window.machine_ids) || window.machine_ids.length === 0) throw invalid('List of machines in the maintenance window is empty');
      if (!window.unavailability?.start) throw invalid("Expecting 'unavailability.start' to be present in every maintenance window");
      const start = nanos(window.unavailability.start.nanoseconds, 'unavailability.start.nanoseconds');
      const duration = window.unavailability.duration ? nanos(window.unavailability.duration.nanoseconds, 'unavailability.duration.nanoseconds') : undefined;
      if (duration !== undefined && duration < 0) throw invalid("Unavailability 'duration' is negative");
      const ids = window.machine_ids.map(readMachineId);
      for (const id of ids) {
        if (seen.has(machineKey(id))) throw invalid(`Machine '${machineJson(id)}' appears more than once in the schedule`);
        seen.add(machineKey(id));
      }
      return { machine_ids: ids, unavailability: { start: { nanoseconds: start }, ...(duration !== undefined ? { duration: { nanoseconds: duration } } : {}) } };
    }),
  };
}

/**
 * Maintenance is Mesos's maintenance primitives as pure state: a posted schedule puts its machines in DRAINING (their
 * offers carry the unavailability), `/machine/down` takes DRAINING machines DOWN (their agents are removed and may not
 * register), `/machine/up` brings DOWN machines back UP and out of the schedule. Changes are planned here, made durable
 * by the master through the registry, and only then applied, so a master failover never forgets a machine that is down.
 */
export class Maintenance {
  private current: MaintenanceState = { schedule: { windows: [] }, down: [] };
  private windowOf = new Map<string, MaintenanceWindow>();
  private downKeys = new Set<string>();

  constructor(state?: MaintenanceState) {
    if (state) this.apply(state);
  }

  state(): MaintenanceState {
    return this.current;
  }

  /** apply installs a state that the registry has accepted. */
  apply(state: MaintenanceState): void {
    this.current = state;
    this.windowOf = new Map(state.schedule.windows.flatMap((w) => w.machine_ids.map((id) => [machineKey(id), w] as const)));
    this.downKeys = new Set(state.down.map(machineKey));
  }

  modeOf(machine: MachineId): MachineMode {
    const key = machineKey(machine);
    if (this.downKeys.has(key)) return 'DOWN';
    return this.windowOf.has(key) ? 'DRAINING' : 'UP';
  }

  /** unavailabilityOf is what offers from this machine carry while it is scheduled for maintenance. */
  unavailabilityOf(machine: MachineId): Unavailability | undefined {
    return this.windowOf.get(machineKey(machine))?.unavailability;
  }

  /** planSchedule replaces the schedule; a DOWN machine must stay in it (only `/machine/up` takes it out). */
  planSchedule(schedule: MaintenanceSchedule): MaintenanceState {
    const scheduled = new Set(schedule.windows.flatMap((w) => w.machine_ids.map(machineKey)));
    for (const id of this.current.down) {
      if (!scheduled.has(machineKey(id))) throw invalid(`Machine '${machineJson(id)}' is deactivated and cannot be removed from the schedule`);
    }
    return { schedule, down: this.current.down };
  }

  /** planDown takes scheduled, DRAINING machines DOWN. */
  planDown(ids: MachineId[]): MaintenanceState {
    for (const id of ids) {
      const mode = this.modeOf(id);
      if (mode === 'UP') throw invalid(`Machine '${machineJson(id)}' is not part of a maintenance schedule`);
      if (mode !== 'DRAINING') throw invalid(`Machine '${machineJson(id)}' is not in DRAINING mode and cannot be brought down`);
    }
    return { schedule: this.current.schedule, down: [...this.current.down, ...ids] };
  }

  /** planUp brings DOWN machines UP: they leave the schedule (and an emptied window goes with them). */
  planUp(ids: MachineId[]): MaintenanceState {
    for (const id of ids) {
      const mode = this.modeOf(id);
      if (mode === 'UP') throw invalid(`Machine '${machineJson(id)}' is not part of a maintenance schedule`);
      if (mode !== 'DOWN') throw invalid(`Machine '${machineJson(id)}' is not in DOWN mode and cannot be brought up`);
    }
    const up = new Set(ids.map(machineKey));
    const windows = this.current.schedule.windows
      .map((w) => ({ ...w, machine_ids: w.machine_ids.filter((m) => !up.has(machineKey(m))) }))
      .filter((w) => w.machine_ids.length > 0);
    return { schedule: { windows }, down: this.current.down.filter((m) => !up.has(machineKey(m))) };
  }

  /** status is Mesos's ClusterStatus: draining machines (with the frameworks' inverse-offer answers) and down ones. */
  status(): { draining_machines: Array<{ id: MachineId; statuses: unknown[] }>; down_machines: MachineId[] } {
    const draining = this.current.schedule.windows.flatMap((w) => w.machine_ids).filter((id) => !this.downKeys.has(machineKey(id)));
    return { draining_machines: draining.map((id) => ({ id, statuses: [] })), down_machines: this.current.down };
  }
}
