/**
 * Rolling replacement of an app's instances during a RestartApplication step (`core/deployment/impl/
 * TaskReplaceActor.scala`), as a pure state machine. At the start, old instances above
 * `ceil(instances * minimumHealthCapacity)` healthy ones are killed (unhealthy first) and new ones are launched
 * up to `floor(instances * (1 + maximumOverCapacity))` in total; then each new instance that becomes healthy and
 * ready lets one more old one be killed, and each old one that is gone makes room for more new ones. The step
 * is finished when enough new instances are ready and no old one is left. The service feeds events in and
 * carries out the returned kills and launches.
 */
import type { Goal } from './instance.js';

/** ReplaceInstance is what the replacement needs to know about an existing instance. */
export interface ReplaceInstance {
  instanceId: string;
  /** runSpecVersion equal to the app's version means a new instance (started by an earlier run of this step). */
  runSpecVersion: string;
  goal: Goal;
  /** healthy is `consideredHealthy`: running and passing health checks (or having none). */
  healthy: boolean;
  /** ready says whether a new instance already passed its readiness checks (ignored for old instances). */
  ready?: boolean;
}

/** ReplaceApp is the part of the app the replacement reads. */
export interface ReplaceApp {
  version: string;
  instances: number;
  upgradeStrategy: { minimumHealthCapacity: number; maximumOverCapacity: number };
  /** resident apps (local persistent volumes) cannot go over capacity; they dip one below instead. */
  resident?: boolean;
}

/** RestartStrategy is how the replacement starts: how many old instances to kill at once, and the capacity ceiling. */
export interface RestartStrategy {
  nrToKillImmediately: number;
  maxCapacity: number;
}

/** ReplaceState is the replacement's bookkeeping between events. */
export interface ReplaceState {
  app: ReplaceApp;
  maxCapacity: number;
  /** oldActive are old instances whose goal is still Running, or that were told to stop but have not yet terminated. */
  oldActive: string[];
  /** toKill is the queue of old instances not yet told to stop, unhealthy first. */
  toKill: string[];
  /** instancesStarted counts new instances started or scheduled. */
  instancesStarted: number;
  /** readyNew are new instances that are healthy and ready. */
  readyNew: string[];
}

/** ReplaceDecision is the state after an event and what to do now. */
export interface ReplaceDecision {
  state: ReplaceState;
  /** kill lists old instances to decommission now (goal Decommissioned, or Stopped for resident apps). */
  kill: string[];
  /** launch is how many new instances to queue now. */
  launch: number;
  finished: boolean;
}

/**
 * computeRestartStrategy is `TaskReplaceActor.computeRestartStrategy`: with `minHealthy = ceil(n * minimumHealthCapacity)`
 * and `maxCapacity = floor(n * (1 + maximumOverCapacity))`, kill the healthy instances above `minHealthy` at once;
 * when no room is left to start anything (`minHealthy == maxCapacity <= healthy`), allow one instance of over
 * capacity (or, for resident apps, kill one more); extra instances above `n` are all killed at once.
 */
export function computeRestartStrategy(app: ReplaceApp, current: readonly ReplaceInstance[]): RestartStrategy {
  if (app.instances <= 0) throw new Error(`instances must be > 0 but is ${app.instances}`);
  const healthy = current.filter((i) => i.goal === 'Running' && i.healthy).length;
  // Plain double arithmetic, as in Marathon (10 * 0.7 is 7.000000000000001, so 8 must stay healthy).
  const minHealthy = Math.ceil(app.instances * app.upgradeStrategy.minimumHealthCapacity);
  let maxCapacity = Math.floor(app.instances * (1 + app.upgradeStrategy.maximumOverCapacity));
  let nrToKillImmediately = Math.max(0, healthy - minHealthy);
  if (minHealthy === maxCapacity && maxCapacity <= healthy) {
    if (app.resident === true) nrToKillImmediately = healthy - minHealthy + 1;
    else maxCapacity += 1;
  }
  if (app.instances < current.length) nrToKillImmediately = Math.max(current.length - app.instances, nrToKillImmediately);
  return { nrToKillImmediately, maxCapacity };
}

function isOld(app: ReplaceApp, i: ReplaceInstance): boolean {
  return i.runSpecVersion !== app.version;
}

function launch(state: ReplaceState): { state: ReplaceState; launch: number } {
  const leftCapacity = Math.max(0, state.maxCapacity - state.oldActive.length - state.instancesStarted);
  const notStartedYet = Math.max(0, state.app.instances - state.instancesStarted);
  const now = Math.min(notStartedYet, leftCapacity);
  return { state: { ...state, instancesStarted: state.instancesStarted + now }, launch: now };
}

function killNext(state: ReplaceState): { state: ReplaceState; kill: string[] } {
  const [next, ...rest] = state.toKill;
  return next === undefined ? { state, kill: [] } : { state: { ...state, toKill: rest }, kill: [next] };
}

/** isFinished says whether the replacement is done: enough new instances ready and no old instance left. */
export function isFinished(state: ReplaceState): boolean {
  return state.readyNew.length >= state.app.instances && state.oldActive.length === 0;
}

function decide(state: ReplaceState, kill: string[], launched: number): ReplaceDecision {
  return { state, kill, launch: launched, finished: isFinished(state) };
}

/**
 * startReplacement begins (or, after a failover, resumes) the replacement of `current` instances by the app's
 * version: it kills the first `nrToKillImmediately` old instances and launches as many new ones as capacity allows.
 */
export function startReplacement(app: ReplaceApp, current: readonly ReplaceInstance[]): ReplaceDecision {
  const strategy = computeRestartStrategy(app, current);
  const started = current.filter((i) => !isOld(app, i));
  const oldActive = current.filter((i) => isOld(app, i) && i.goal === 'Running');
  const toKill = [...oldActive.filter((i) => !i.healthy), ...oldActive.filter((i) => i.healthy)].map((i) => i.instanceId);
  let state: ReplaceState = {
    app,
    maxCapacity: strategy.maxCapacity,
    oldActive: oldActive.map((i) => i.instanceId),
    toKill,
    instancesStarted: started.length,
    readyNew: started.filter((i) => i.healthy && i.ready !== false).map((i) => i.instanceId),
  };
  const kill: string[] = [];
  for (let i = 0; i < strategy.nrToKillImmediately; i++) {
    const k = killNext(state);
    state = k.state;
    kill.push(...k.kill);
  }
  const l = launch(state);
  return decide(l.state, kill, l.launch);
}

/** onNewInstanceReady records a new instance that is healthy and ready, and kills the next old instance. */
export function onNewInstanceReady(state: ReplaceState, instanceId: string): ReplaceDecision {
  if (state.readyNew.includes(instanceId)) return decide(state, [], 0);
  const k = killNext({ ...state, readyNew: [...state.readyNew, instanceId] });
  return decide(k.state, k.kill, 0);
}

/**
 * onNewInstanceTerminated records that a new instance stopped being healthy and ready (its task ended); with
 * goal Running the launch queue relaunches it, so it still counts as started.
 */
export function onNewInstanceTerminated(state: ReplaceState, instanceId: string, goal: Goal = 'Running'): ReplaceDecision {
  const next = { ...state, readyNew: state.readyNew.filter((id) => id !== instanceId) };
  if (goal !== 'Running') next.instancesStarted = Math.max(0, next.instancesStarted - 1);
  return decide(next, [], 0);
}

/**
 * onOldInstanceTerminated records that an old instance is gone (killed by us, or it ended on its own, in which
 * case it is decommissioned rather than restarted), and launches new instances into the room it left.
 */
export function onOldInstanceTerminated(state: ReplaceState, instanceId: string): ReplaceDecision {
  if (!state.oldActive.includes(instanceId)) return decide(state, [], 0);
  const without = { ...state, oldActive: state.oldActive.filter((id) => id !== instanceId), toKill: state.toKill.filter((id) => id !== instanceId) };
  const l = launch(without);
  return decide(l.state, [], l.launch);
}
