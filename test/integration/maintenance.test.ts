// Mesos's maintenance primitives on real processes: a schedule drains a machine (its offers carry the
// unavailability), `/machine/down` removes its agent (tasks gone, processes killed, no re-registration), the state
// survives a master restart through the registry, and `/machine/up` lets the agent back.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { killAll, processesMatching, startPlateau, tempDir, type PlateauProcess } from '../harness/plateauProcess.js';
import { getJson, post, SchedulerClient, waitFor } from '../harness/schedulerClient.js';

const MARKER = `${700000 + Math.floor(Math.random() * 99999)}`;
const dir = tempDir('maintenance');
const MACHINE = { hostname: 'maint-host', ip: '127.0.0.50' };
let master: PlateauProcess;

let framework: SchedulerClient;
let port = 0;

const masterArgs = (p: number) => ['master', `--port=${p}`, '--ip=127.0.0.1', `--work_dir=${join(dir.path, 'master')}`, '--allocation_interval=100ms', '--quiet'];
const schedule = { windows: [{ machine_ids: [MACHINE], unavailability: { start: { nanoseconds: 1_900_000_000_000_000_000 }, duration: { nanoseconds: 3_600_000_000_000 } } }] };
const agentIds = async () => (await getJson(`${master.url}/master/slaves`)).slaves.map((s: any) => s.hostname as string);
const sleeps = async () => (await processesMatching(`sleep ${MARKER}`)).filter((p) => p.cmd === `sleep ${MARKER}`);

before(async () => {
  master = await startPlateau(masterArgs(0));
  port = Number(new URL(master.url).port);
  await startPlateau(['agent', `--master=${master.url}`, `--ip=${MACHINE.ip}`, '--port=0', `--hostname=${MACHINE.hostname}`, `--work_dir=${join(dir.path, 'agent')}`, '--resources=cpus:2;mem:512;disk:512;ports:[44000-44010]', '--registration_backoff_factor=100ms', '--quiet']);
  framework = new SchedulerClient(master.url);
  await framework.subscribe({ user: 'root', name: 'maintenance-test', roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }] });
  framework.acknowledgeUpdates();
});

after(async () => {
  framework?.close();
  await killAll();
  for (const p of await sleeps()) process.kill(p.pid, 'SIGKILL');
  dir.remove();
});

describe('maintenance', { timeout: 180_000 }, () => {
  it('drains a scheduled machine: its offers carry the unavailability, and the status lists it', async () => {
    const first = (await framework.next((e) => e.type === 'OFFERS', 20_000)).offers.offers[0];
    assert.equal(first.unavailability, undefined, 'no unavailability before a schedule');
    await framework.call({
      type: 'ACCEPT',
      accept: { offer_ids: [first.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [{ name: 'keeper', task_id: { value: 'keeper' }, agent_id: first.agent_id, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, allocation_info: { role: '*' } }, { name: 'mem', type: 'SCALAR', scalar: { value: 16 }, allocation_info: { role: '*' } }], command: { value: `sleep ${MARKER}` } }] } }], filters: { refuse_seconds: 0 } },
    });
    await framework.next((e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_RUNNING', 20_000);

    const bad = await post(`${master.url}/master/maintenance/schedule`, JSON.stringify({ windows: [{ machine_ids: [MACHINE, MACHINE], unavailability: { start: { nanoseconds: 1 } } }] }));
    assert.equal(bad.status, 400, 'a machine twice is refused');
    assert.match(bad.body, /appears more than once in the schedule/, "in Mesos's words");

    const mark = framework.events.length;
    const posted = await post(`${master.url}/master/maintenance/schedule`, JSON.stringify(schedule));
    assert.equal(posted.status, 200, `schedule accepted: ${posted.body}`);
    assert.deepEqual(await getJson(`${master.url}/master/maintenance/schedule`), schedule, 'the schedule reads back as posted');
    const offer = await framework.next((e) => e.type === 'OFFERS' && e.offers.offers.some((o: any) => o.unavailability), 20_000, mark);
    assert.deepEqual(offer.offers.offers[0].unavailability, schedule.windows[0]?.unavailability, 'new offers carry the unavailability');
    const status = await getJson(`${master.url}/maintenance/status`);
    assert.deepEqual(status, { draining_machines: [{ id: MACHINE, statuses: [] }], down_machines: [] }, 'draining');
  });

  it('takes the machine down: the agent is removed, its task gone and killed, and it may not register again', async () => {
    const unknown = await post(`${master.url}/master/machine/down`, JSON.stringify([{ hostname: 'nowhere', ip: '10.1.1.1' }]));
    assert.equal(unknown.status, 400, 'an unscheduled machine cannot go down');
    assert.match(unknown.body, /is not part of a maintenance schedule/, "in Mesos's words");
    assert.equal((await sleeps()).length, 1, 'the task process runs');
    const mark = framework.events.length;
    const down = await post(`${master.url}/master/machine/down`, JSON.stringify([MACHINE]));
    assert.equal(down.status, 200, `down: ${down.body}`);
    const gone = await framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'keeper', 20_000, mark);
    assert.equal(gone.update.status.state, 'TASK_GONE_BY_OPERATOR', 'a partition-aware framework hears the task is gone by operator');
    assert.deepEqual(await agentIds(), [], 'the agent is removed');
    await waitFor(async () => (await sleeps()).length === 0, 20_000, 'the agent killed the task process');
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(await agentIds(), [], 'the agent cannot register while its machine is down');
    const status = await getJson(`${master.url}/master/maintenance/status`);
    assert.deepEqual(status.down_machines, [MACHINE], 'down');
  });

  it('keeps the maintenance state across a master restart, and lets the agent back when the machine comes up', async () => {
    await master.kill('SIGTERM');
    master = await startPlateau(masterArgs(port));
    assert.deepEqual((await getJson(`${master.url}/master/maintenance/status`)).down_machines, [MACHINE], 'still down after a restart (the registry kept it)');
    const op = await post(`${master.url}/api/v1`, JSON.stringify({ type: 'GET_MAINTENANCE_SCHEDULE' }));
    assert.deepEqual(JSON.parse(op.body), { type: 'GET_MAINTENANCE_SCHEDULE', get_maintenance_schedule: { schedule } }, 'the operator API reads the schedule');
    const drainingUp = await post(`${master.url}/api/v1`, JSON.stringify({ type: 'STOP_MAINTENANCE', stop_maintenance: { machines: [{ hostname: 'other', ip: '10.0.0.1' }] } }));
    assert.equal(drainingUp.status, 400, 'STOP_MAINTENANCE of an unscheduled machine is refused');
    const up = await post(`${master.url}/api/v1`, JSON.stringify({ type: 'STOP_MAINTENANCE', stop_maintenance: { machines: [MACHINE] } }));
    assert.equal(up.status, 200, `up through the operator API: ${up.body}`);
    await waitFor(async () => (await agentIds()).includes(MACHINE.hostname), 30_000, 'the agent registers again');
    assert.deepEqual(await getJson(`${master.url}/master/maintenance/status`), { draining_machines: [], down_machines: [] }, 'nothing in maintenance');
    assert.deepEqual(await getJson(`${master.url}/master/maintenance/schedule`), { windows: [] }, 'and out of the schedule');
  });
});
