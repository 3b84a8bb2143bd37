import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  type ReplaceApp,
  type ReplaceDecision,
  type ReplaceInstance,
  computeRestartStrategy,
  onNewInstanceReady,
  onOldInstanceTerminated,
  startReplacement,
} from '../../../core/marathon/restartStep.js';

const OLD = 'v1';
const NEW = 'v2';

function olds(n: number, healthy: (i: number) => boolean = () => true): ReplaceInstance[] {
  return Array.from({ length: n }, (_, i) => ({ instanceId: `old-${i}`, runSpecVersion: OLD, goal: 'Running' as const, healthy: healthy(i) }));
}

function appOf(instances: number, minimumHealthCapacity: number, maximumOverCapacity: number, resident = false): ReplaceApp {
  return { version: NEW, instances, upgradeStrategy: { minimumHealthCapacity, maximumOverCapacity }, resident };
}

describe('computeRestartStrategy (Marathon RestartStrategyTest cases)', () => {
  const cases: Array<[string, ReplaceApp, ReplaceInstance[], number, number]> = [
    ['resident app with 1 instance', appOf(1, 0.5, 0, true), olds(1), 1, 1],
    ['resident app with 1 instance and none running', appOf(1, 0.5, 0, true), olds(1, () => false), 1, 0],
    ['resident app with 5 instances', appOf(5, 0.5, 0, true), olds(5), 5, 2],
    ['resident, already over capacity', appOf(5, 1, 0, true), olds(7), 5, 3],
    ['resident, under capacity', appOf(5, 1, 0, true), olds(5, (i) => i < 3), 5, 0],
    ['resident, at capacity', appOf(5, 1, 0, true), olds(5), 5, 1],
    ['normal app with 1 instance', appOf(1, 0.5, 0), olds(1), 2, 0],
    ['normal app with 2 instances', appOf(2, 0.5, 0), olds(2), 2, 1],
    ['fewer running than min health', appOf(10, 0.1, 0), olds(1), 10, 0],
    ['maxOverCapacity 1', appOf(10, 0.1, 1), olds(10), 20, 9],
    ['maxOverCapacity 1 and minHealth 1', appOf(10, 1, 1), olds(10), 20, 0],
  ];
  for (const [name, app, current, maxCapacity, kill] of cases) {
    it(name, () => {
      assert.deepEqual(computeRestartStrategy(app, current), { maxCapacity, nrToKillImmediately: kill }, name);
    });
  }

  it('uses plain double arithmetic like Marathon (100 * 0.07 > 7)', () => {
    assert.equal(computeRestartStrategy(appOf(100, 0.07, 0), olds(100)).nrToKillImmediately, 92, 'ceil(7.000000000000001) = 8 must stay healthy');
  });
});

describe('rolling replacement', () => {
  it('replaces three instances one at a time with the default strategy (1, 1)', () => {
    let d = startReplacement(appOf(3, 1, 1), olds(3));
    assert.deepEqual({ kill: d.kill, launch: d.launch }, { kill: [], launch: 3 }, 'min health 1: no kill, start up to 6 in total');
    d = onNewInstanceReady(d.state, 'new-0');
    assert.deepEqual(d.kill, ['old-0'], 'one ready new instance frees one old');
    d = onOldInstanceTerminated(d.state, 'old-0');
    assert.equal(d.launch, 0, 'all new instances already started');
    d = onNewInstanceReady(d.state, 'new-1');
    d = onOldInstanceTerminated(d.state, 'old-1');
    d = onNewInstanceReady(d.state, 'new-2');
    assert.equal(d.finished, false, 'one old instance left');
    d = onOldInstanceTerminated(d.state, 'old-2');
    assert.equal(d.finished, true, 'done');
  });

  it('kills unhealthy old instances first', () => {
    const d = startReplacement(appOf(4, 0.5, 0), olds(4, (i) => i !== 3));
    assert.deepEqual(d.kill, ['old-3'], 'healthy 3, min 2: kill one, the unhealthy one');
  });

  it('never drops below minimumHealthCapacity and never exceeds the capacity (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 10 }).map((n) => n / 10),
        fc.integer({ min: 0, max: 10 }).map((n) => n / 10),
        fc.array(fc.boolean(), { minLength: 0, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 0, maxLength: 200 }),
        (instances, minHealth, maxOver, healthFlags, choices) => {
          const app = appOf(instances, minHealth, maxOver);
          const current = olds(Math.min(healthFlags.length, instances), (i) => healthFlags[i] === true);
          const minHealthy = Math.ceil(instances * minHealth);
          const initialHealthy = current.filter((i) => i.healthy).length;
          const floor = Math.min(minHealthy, initialHealthy);

          // The world: which old instances are alive, which were told to die, and the new ones.
          const oldHealthy = new Map(current.map((i) => [i.instanceId, i.healthy]));
          const sentenced = new Set<string>();
          const gone = new Set<string>();
          const pendingNew: string[] = [];
          const readyNew: string[] = [];
          let launched = 0;
          let decision: ReplaceDecision = startReplacement(app, current);
          const apply = (d: ReplaceDecision): void => {
            for (const id of d.kill) sentenced.add(id);
            for (let k = 0; k < d.launch; k++) pendingNew.push(`new-${launched++}`);
            decision = d;
            const healthyNow = [...oldHealthy].filter(([id, h]) => h && !sentenced.has(id)).length + readyNew.length;
            assert.ok(healthyNow >= floor, `healthy ${healthyNow} >= ${floor} (instances ${instances}, min ${minHealth}, over ${maxOver})`);
            const running = current.filter((i) => !gone.has(i.instanceId)).length + launched;
            assert.ok(running <= Math.max(decision.state.maxCapacity, current.length), `running ${running} <= capacity ${decision.state.maxCapacity}`);
          };
          apply(decision);
          // Old instances die when told to, or on their own when unhealthy (Marathon's health checks kill them).
          const mortal = (): string[] => current.map((i) => i.instanceId).filter((id) => !gone.has(id) && (sentenced.has(id) || oldHealthy.get(id) === false));
          for (const c of choices) {
            const dying = mortal();
            const options = pendingNew.length + dying.length;
            if (options === 0) break;
            const pick = c % options;
            if (pick < pendingNew.length) {
              const [id] = pendingNew.splice(pick, 1) as [string];
              readyNew.push(id);
              apply(onNewInstanceReady(decision.state, id));
            } else {
              const id = dying[pick - pendingNew.length] as string;
              gone.add(id);
              apply(onOldInstanceTerminated(decision.state, id));
            }
          }
          // Let everything outstanding happen; the replacement must then finish.
          for (let guard = 0; guard < 1000 && !decision.finished; guard++) {
            const id = pendingNew.shift();
            if (id !== undefined) {
              readyNew.push(id);
              apply(onNewInstanceReady(decision.state, id));
              continue;
            }
            const dying = mortal()[0];
            if (dying === undefined) break;
            gone.add(dying);
            apply(onOldInstanceTerminated(decision.state, dying));
          }
          assert.equal(decision.finished, true, `replacement finishes (instances ${instances}, min ${minHealth}, over ${maxOver})`);
          assert.equal(readyNew.length, instances, 'exactly the target count of new instances');
        },
      ),
      { numRuns: 300 },
    );
  });
});
