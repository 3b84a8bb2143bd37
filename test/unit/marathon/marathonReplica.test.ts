import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Emitter } from '../../../core/common/emitter.js';
import type { InstanceRecord } from '../../../core/marathon/service/instanceRecord.js';
import type { MarathonEvent } from '../../../core/marathon/service/marathonEvents.js';
import type { DeploymentView } from '../../../core/marathon/service/marathonReadModel.js';
import { MarathonReplica, type ReplicaDelta } from '../../../core/marathon/service/marathonReplica.js';
import { MarathonReplicaFeed, type ReplicaSource } from '../../../core/marathon/service/marathonReplicaFeed.js';
import type { MarathonConfig } from '../../../core/marathon/service/marathonService.js';
import type { TaskFailure } from '../../../core/protocol/marathon/outputs.js';
import type { Group } from '../../../core/protocol/marathon/group.js';
import { app } from './fixtures.js';

const config: MarathonConfig = { framework_name: 'marathon', mesos_role: '*', mesos_user: 'root', failover_timeout: 60, hostname: 'h', http_port: 8080, master: 'm:5050' };

function record(id: string, appId: string, state = 'TASK_STAGING'): InstanceRecord {
  return { instanceId: id, appId, taskId: `${id}.task`, runSpecVersion: 'v1', condition: 'Staging', goal: 'Running', state, hostPorts: [], servicePorts: [], ipAddresses: [], role: '*', health: [] } as unknown as InstanceRecord;
}

/** Service is a stand-in for the service's state, changed by the test as the scheduler would change it. */
class Service implements ReplicaSource {
  config = config;
  frameworkId: string | undefined;
  root: Group = { id: '/', apps: [app({ id: '/web', cmd: 'sleep 1' })], groups: [], dependencies: [], version: 'v1' };
  readonly map = new Map<string, InstanceRecord>();
  deploymentList: DeploymentView[] = [];
  readonly failureMap = new Map<string, TaskFailure>();
  readonly events = new Emitter<MarathonEvent>();
  instance = (id: string) => this.map.get(id);
  instances = () => this.map.values();
  deployments = () => this.deploymentList;
  failures = () => this.failureMap.entries();
  onEvent = (fn: (e: MarathonEvent) => void) => this.events.on(fn);
}

/** wire connects a feed and a replica as the API thread does: batches cloned across, deferred work run by `turn`. */
function wire(service: Service) {
  const deferred: Array<() => void> = [];
  const sent: ReplicaDelta[] = [];
  let wanted: boolean | undefined;
  const replica = new MarathonReplica(config, { now: () => 0 }, (w) => {
    wanted = w;
    feed.forwardEvents(w);
  });
  const feed = new MarathonReplicaFeed(
    service,
    (d) => {
      sent.push(d);
      replica.apply(structuredClone(d));
    },
    (fn) => deferred.push(fn),
  );
  replica.apply(structuredClone(feed.snapshot()));
  const turn = () => {
    for (const fn of deferred.splice(0)) fn();
  };
  return { replica, feed, sent, turn, wanted: () => wanted };
}

describe('MarathonReplicaFeed and MarathonReplica', () => {
  it('starts from a snapshot of everything the read routes show', () => {
    const s = new Service();
    s.frameworkId = 'fw-1';
    s.map.set('a', record('a', '/web'));
    s.failureMap.set('/web', { appId: '/web', host: 'h', message: 'boom', state: 'TASK_FAILED', taskId: 'x', timestamp: 't', version: 'v1', slaveId: 's' });
    const { replica } = wire(s);
    assert.equal(replica.frameworkId, 'fw-1');
    assert.deepEqual(replica.apps().map((a) => a.id), ['/web']);
    assert.equal(replica.app('/web')?.cmd, 'sleep 1');
    assert.deepEqual([...replica.eachInstanceOf('/web')].map((i) => i.instanceId), ['a']);
    assert.equal(replica.lastFailure('/web')?.message, 'boom');
  });

  it("folds one turn's writes into one batch and sends each record as it is when the turn ends", () => {
    const s = new Service();
    const { replica, feed, sent, turn } = wire(s);
    const a = record('a', '/web');
    s.map.set('a', a);
    feed.touch('a');
    a.state = 'TASK_RUNNING';
    a.condition = 'Running';
    feed.touch('a');
    s.map.set('b', record('b', '/web'));
    feed.touch('b');
    assert.equal([...replica.instances()].length, 0, 'nothing reaches the replica before the turn ends');
    turn();
    assert.equal(sent.length, 1, 'one batch for the turn');
    assert.deepEqual(sent[0]?.instances?.map((i) => i.instanceId), ['a', 'b']);
    assert.equal([...replica.eachInstanceOf('/web')].find((i) => i.instanceId === 'a')?.state, 'TASK_RUNNING', 'the record as it was when the batch was made');
    s.map.delete('a');
    feed.touch('a');
    turn();
    assert.deepEqual(sent[1]?.removed, ['a'], 'an instance gone from the service is removed');
    assert.deepEqual([...replica.instances()].map((i) => i.instanceId), ['b']);
    turn();
    feed.flush();
    assert.equal(sent.length, 2, 'no batch when nothing changed');
  });

  it('sends the root group, deployments, failures and framework id only when they change', () => {
    const s = new Service();
    const { replica, feed, sent } = wire(s);
    feed.flush();
    assert.equal(sent.length, 0, 'nothing changed since the snapshot');
    s.root = { ...s.root, apps: [...s.root.apps, app({ id: '/db', cmd: 'sleep 2' })], version: 'v2' };
    s.frameworkId = 'fw-2';
    feed.flush();
    assert.deepEqual(Object.keys(sent[0] ?? {}).sort(), ['frameworkId', 'root']);
    assert.deepEqual(replica.apps().map((a) => a.id), ['/web', '/db']);
    assert.equal(replica.app('/db')?.cmd, 'sleep 2');
    const plan = { id: 'd1', version: 'v2', original: s.root, target: s.root, steps: [{ actions: [{ action: 'StartApplication', app: s.root.apps[1] }] }] };
    s.deploymentList = [{ plan: plan as unknown as DeploymentView['plan'], currentStep: 0 }];
    feed.flush();
    assert.deepEqual([...replica.deployments()].map((d) => [d.plan.id, d.currentStep]), [['d1', 0]]);
    (s.deploymentList[0] as DeploymentView).currentStep = 1;
    feed.flush();
    assert.deepEqual([...replica.deployments()].map((d) => d.currentStep), [1], 'a step taken is sent');
    s.deploymentList = [];
    s.failureMap.set('/db', { appId: '/db', host: 'h', message: 'exit 1', state: 'TASK_FAILED', taskId: 'y', timestamp: 't', version: 'v2', slaveId: 's' });
    feed.flush();
    assert.deepEqual([...replica.deployments()], [], 'a finished deployment is gone');
    assert.equal(replica.lastFailure('/db')?.message, 'exit 1');
    const count = sent.length;
    feed.flush();
    assert.equal(sent.length, count, 'nothing sent twice');
  });

  it('carries events only while the replica has subscribers, and after the state changes of their batch', () => {
    const s = new Service();
    const { replica, feed, turn, wanted } = wire(s);
    s.events.fire({ eventType: 'status_update_event', timestamp: 't' });
    turn();
    assert.equal(wanted(), undefined, 'no subscriber yet: events are not asked for');
    const seen: Array<{ type: string; state: string | undefined }> = [];
    const sub = replica.onEvent((e) => seen.push({ type: e.eventType, state: [...replica.eachInstanceOf('/web')][0]?.state }));
    assert.equal(wanted(), true);
    const a = record('a', '/web', 'TASK_RUNNING');
    s.events.fire({ eventType: 'status_update_event', timestamp: 't', taskId: 'a.task' });
    s.map.set('a', a);
    feed.touch('a');
    turn();
    assert.deepEqual(seen, [{ type: 'status_update_event', state: 'TASK_RUNNING' }], 'the event is heard with the state it announces already applied');
    void sub.dispose();
    assert.equal(wanted(), false, 'the last subscriber gone: events are no longer asked for');
    s.events.fire({ eventType: 'status_update_event', timestamp: 't' });
    turn();
    assert.equal(seen.length, 1);
    feed.dispose();
  });
});
