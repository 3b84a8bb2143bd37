import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Maintenance, readMachineIds, readSchedule } from '../../../core/master/maintenance.js';

const window = (machines: Array<{ hostname?: string; ip?: string }>, start = 1_000) => ({ machine_ids: machines, unavailability: { start: { nanoseconds: start }, duration: { nanoseconds: 3_600e9 } } });
const m1 = { hostname: 'machine1', ip: '10.0.0.1' };
const m2 = { hostname: 'machine2', ip: '10.0.0.2' };

describe('Maintenance', () => {
  it('moves machines UP → DRAINING → DOWN → UP as Mesos does, and says why a transition is refused', () => {
    const m = new Maintenance();
    assert.equal(m.modeOf(m1), 'UP', 'unscheduled machines are up');
    m.apply(m.planSchedule(readSchedule({ windows: [window([m1, m2])] })));
    assert.equal(m.modeOf({ hostname: 'MACHINE1', ip: '10.0.0.1' }), 'DRAINING', 'scheduled machines drain; hostnames ignore case');
    assert.equal(m.modeOf({ hostname: 'machine1' }), 'UP', 'both fields must match: an omitted IP is the empty string');
    assert.deepEqual(m.unavailabilityOf(m1), { start: { nanoseconds: 1000 }, duration: { nanoseconds: 3_600e9 } }, "offers carry the window's unavailability");
    assert.throws(() => m.planUp([m1]), /is not in DOWN mode and cannot be brought up/, 'a draining machine cannot be brought up');
    assert.throws(() => m.planDown([{ hostname: 'other', ip: '10.0.0.9' }]), /is not part of a maintenance schedule/, 'only scheduled machines go down');
    m.apply(m.planDown([m1]));
    assert.equal(m.modeOf(m1), 'DOWN', 'down');
    assert.throws(() => m.planDown([m1]), /is not in DRAINING mode and cannot be brought down/, 'already down');
    assert.throws(() => m.planSchedule(readSchedule({ windows: [window([m2])] })), /is deactivated and cannot be removed from the schedule/, 'a down machine stays in the schedule');
    assert.deepEqual(m.status(), { draining_machines: [{ id: m2, statuses: [] }], down_machines: [m1] }, 'status: draining and down');
    m.apply(m.planUp([m1]));
    assert.equal(m.modeOf(m1), 'UP', 'back up');
    assert.deepEqual(m.state().schedule.windows.map((w) => w.machine_ids), [[m2]], 'and out of the schedule; its window keeps the others');
    m.apply(m.planSchedule(readSchedule({})));
    assert.deepEqual(m.state(), { schedule: { windows: [] }, down: [] }, 'an empty schedule cancels maintenance');
  });

  it("refuses malformed schedules and machine lists in Mesos's words", () => {
    assert.throws(() => readSchedule({ windows: [window([])] }), /List of machines in the maintenance window is empty/, 'empty window');
    assert.throws(() => readSchedule({ windows: [window([m1]), window([m1])] }), /appears more than once in the schedule/, 'a machine in two windows');
    assert.throws(() => readSchedule({ windows: [window([{}])] }), /Both 'hostname' and 'ip' for a machine are empty/, 'nameless machine');
    assert.throws(() => readSchedule({ windows: [window([{ ip: '10.0.0.300' }])] }), /Failed to parse IP address '10\.0\.0\.300'/, 'bad IP');
    assert.throws(() => readSchedule({ windows: [{ machine_ids: [m1], unavailability: { start: { nanoseconds: 1 }, duration: { nanoseconds: -1 } } }] }), /Unavailability 'duration' is negative/, 'negative duration');
    assert.throws(() => readSchedule({ windows: [{ machine_ids: [m1] }] }), /unavailability\.start/, 'missing start');
    assert.throws(() => readMachineIds([]), /List of machines is empty/, 'empty list');
    assert.throws(() => readMachineIds({ hostname: 'x' }), /JSON array/, 'not a list');
    assert.deepEqual(readSchedule({ windows: [{ machine_ids: [m1], unavailability: { start: { nanoseconds: '1500' } } }] }).windows[0]?.unavailability, { start: { nanoseconds: 1500 } }, 'int64 as a string, as protobuf JSON writes it');
  });
});
