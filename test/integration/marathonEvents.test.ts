// Marathon's /v2/events read by a standard EventSource client (test/harness/eventSourceClient.ts, the WHATWG
// parsing rules) on a real cluster: a new app's events arrive in Marathon's order with Marathon's payloads, and
// `event_type` filters the stream.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Resources } from '../../core/common/resources.js';
import { createAgent, type RunningAgent } from '../../core/runtime/createAgent.js';
import type { RunningMarathon } from '../../core/runtime/createMarathon.js';
import { startMarathon, stopCluster } from '../harness/marathonCluster.js';
import { createMaster, type RunningMaster } from '../../core/runtime/createMaster.js';
import { EventSourceClient, type SseMessage } from '../harness/eventSourceClient.js';
import { SseParser } from '../../core/protocol/sse.js';
import { tempDir } from '../harness/plateauProcess.js';
import { waitFor } from '../harness/schedulerClient.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = tempDir('marathon-events');
let master: RunningMaster;
const agents: RunningAgent[] = [];
let marathon: RunningMarathon;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${marathon.url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('the WHATWG SSE parser', () => {
  it('splits on CRLF, LF and CR (also across chunks), joins data lines, skips comments and reads event and id', () => {
    const seen: SseMessage[] = [];
    let retry = 0;
    const p = new SseParser((m) => seen.push(m), (ms) => (retry = ms));
    for (const chunk of ['\uFEFFdata: a\r', '\ndata:b\n\n: a comment\revent: x\rid: 7\rdata:  c\r\n', '\r\n', 'retry: 250\nretry: x\n\n', 'data\n\nevent: lost\ndata: never']) p.push(chunk);
    p.end();
    assert.deepEqual(seen, [
      { type: 'message', data: 'a\nb', lastEventId: '' },
      { type: 'x', data: ' c', lastEventId: '7' },
      { type: 'message', data: '', lastEventId: '7' },
    ], 'parsed events');
    assert.equal(retry, 250, 'retry with digits only');
  });
});

describe('Marathon /v2/events with an EventSource client', { timeout: 120_000 }, () => {
  let all: EventSourceClient;
  let statusOnly: EventSourceClient;

  before(async () => {
    master = await createMaster({ ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', registry: 'in_memory', work_dir: '', allocation_interval: 100 }, { log: quiet });
    agents.push(
      await createAgent(
        { master: master.url, ip: '127.0.0.2', port: 0, hostname: '127.0.0.2', work_dir: join(dir.path, 'agent-0'), resources: Resources.parse('cpus:4;mem:2048;disk:1024;ports:[37000-37099]'), attributes: [], gc_delay: 3_600_000, registration_backoff_factor: 100, containerizers: 'mesos', flags: {} },
        { log: quiet },
      ),
    );
    marathon = await startMarathon(master.url, dir.path);
  });

  after(async () => {
    all?.close();
    statusOnly?.close();
    await stopCluster({ marathon, agents, master, workDir: dir.path });
  });

  it('streams event_stream_attached, api_post_event, deployment_info, status_update_event and deployment_success for a new app', async () => {
    all = new EventSourceClient(`${marathon.url}/v2/events`);
    statusOnly = new EventSourceClient(`${marathon.url}/v2/events?event_type=status_update_event`);
    const attached = await all.next((m) => m.type === 'event_stream_attached', 10_000);
    assert.equal(all.readyState, EventSourceClient.OPEN, 'open');
    assert.ok(JSON.parse(attached.data).remoteAddress, 'attached names the remote address');
    await waitFor(() => statusOnly.readyState === EventSourceClient.OPEN, 10_000, 'filtered stream open');

    const res = await api('POST', '/v2/apps', { id: '/ev', cmd: 'sleep 1000', cpus: 0.1, mem: 16, instances: 1 });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const success = await all.next((m) => m.type === 'deployment_success' && JSON.parse(m.data).id === res.json.deployments[0].id, 30_000);
    const types = all.messages.map((m) => m.type);
    const at = (type: string, pred: (e: any) => boolean = () => true) => all.messages.findIndex((m) => m.type === type && pred(JSON.parse(m.data)));
    const post = at('api_post_event');
    const info = at('deployment_info');
    const running = at('status_update_event', (e) => e.appId === '/ev' && e.taskStatus === 'TASK_RUNNING');
    const done = all.messages.indexOf(success);
    assert.ok(at('event_stream_attached') === 0 && post > 0 && info > post && running > info && done > running, `order: ${types.join(', ')}`);
    const postEvent = JSON.parse(all.messages[post]?.data ?? '{}');
    assert.equal(postEvent.eventType, 'api_post_event');
    assert.equal(postEvent.uri, '/v2/apps');
    assert.ok(typeof postEvent.clientIp === 'string' && postEvent.clientIp.length > 0, 'clientIp');
    assert.equal(postEvent.appDefinition.id, '/ev');
    assert.equal(postEvent.appDefinition.cmd, 'sleep 1000');
    const status = JSON.parse(all.messages[running]?.data ?? '{}');
    assert.equal(status.host, '127.0.0.2');
    assert.match(status.taskId, /^ev\./);
    assert.equal(JSON.parse(success.data).plan.affectedApps[0], '/ev');

    await statusOnly.next((m) => m.type === 'status_update_event' && JSON.parse(m.data).taskStatus === 'TASK_RUNNING', 10_000);
    assert.ok(statusOnly.messages.every((m) => m.type === 'status_update_event'), `filtered: ${statusOnly.messages.map((m) => m.type).join(', ')}`);
  });

  it('emits api_post_event for PUT /v2/apps and for every app of POST /v2/groups', async () => {
    const from = all.messages.length;
    const put = await api('PUT', '/v2/apps/ev', { instances: 2 });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    const e = JSON.parse((await all.next((m) => m.type === 'api_post_event', 10_000, from)).data);
    assert.equal(e.uri, '/v2/apps/ev');
    assert.equal(e.appDefinition.instances, 2);
    await all.next((m) => m.type === 'deployment_success' && JSON.parse(m.data).id === put.json.deploymentId, 30_000, from);
    const g = await api('POST', '/v2/groups', { id: '/eg', apps: [{ id: 'a', cmd: 'sleep 1000', cpus: 0.1, mem: 16 }, { id: 'b', cmd: 'sleep 1000', cpus: 0.1, mem: 16 }] });
    assert.equal(g.status, 201, JSON.stringify(g.json));
    await all.next((m) => m.type === 'deployment_success' && JSON.parse(m.data).id === g.json.deploymentId, 30_000, from);
    const posts = all.messages.slice(from).filter((m) => m.type === 'api_post_event').map((m) => JSON.parse(m.data));
    assert.deepEqual(posts.filter((p) => p.uri === '/v2/groups').map((p) => p.appDefinition.id).sort(), ['/eg/a', '/eg/b'], 'one api_post_event per app of the group');
    assert.equal((await api('DELETE', '/v2/groups/eg')).status, 200, 'group deleted');
    assert.equal((await api('DELETE', '/v2/apps/ev')).status, 200, 'app deleted');
    await waitFor(async () => (await api('GET', '/v2/deployments')).json.length === 0 && marathon.service.scheduler.instances.size === 0, 30_000, 'all stopped');
  });
});
