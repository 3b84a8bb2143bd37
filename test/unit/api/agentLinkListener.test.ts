// agentLinkListener: the agent link served from Node's HTTP server without fastify, reached by the real agent-side
// client (HttpMasterLink): REGISTER opens the event stream, calls on it are answered 202, bad calls in Mesos's
// statuses, and a gate (a standby's redirect, a recovering leader's 503) answers before the master is asked.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { agentLinkListener, type GateAnswer } from '../../../core/api/masterRoutes.js';
import { standbyAnswer } from '../../../core/api/standbyGate.js';
import { SeededRng } from '../../../core/common/rng.js';
import { Resources } from '../../../core/common/resources.js';
import { Master } from '../../../core/master/master.js';
import { DEFAULT_MASTER_FLAGS } from '../../../core/master/masterFlags.js';
import { MemoryRegistry } from '../../../core/master/registry.js';
import { HttpMasterLink } from '../../../core/node/httpMasterLink.js';
import { SystemClock } from '../../../core/node/systemClock.js';
import type { AgentEvent } from '../../../core/protocol/plateau/agentLink.js';

const servers: http.Server[] = [];
const masters: Master[] = [];

async function serve(gate?: (url: string) => GateAnswer | undefined): Promise<{ url: string; master: Master }> {
  const master = new Master({ flags: { ...DEFAULT_MASTER_FLAGS, registry: 'in_memory' }, address: { hostname: 'm', ip: '127.0.0.1', port: 0 }, clock: new SystemClock(), rng: new SeededRng(3), registry: new MemoryRegistry() });
  await master.start();
  masters.push(master);
  const server = http.createServer(agentLinkListener(master, gate));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, master };
}

const register = { type: 'REGISTER' as const, register: { agent_info: { hostname: 'a1', port: 5051, resources: Resources.parse('cpus:4;mem:1024').toJSON() }, ip: '127.0.0.2', version: '1.11.0' } };

after(async () => {
  for (const m of masters) await m.dispose();
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

describe('agentLinkListener', () => {
  it('opens the link on REGISTER, answers calls on it 202 and bad calls 403 or 400', async () => {
    const { url, master } = await serve();
    const link = new HttpMasterLink(url);
    const events: AgentEvent[] = [];
    const stream = await link.open(register, (e) => events.push(e), () => undefined);
    assert.ok(stream.linkId !== '');
    for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const reg = events[0] as Extract<AgentEvent, { type: 'REGISTERED' }>;
    assert.equal(reg.type, 'REGISTERED');
    assert.equal(reg.registered.master_info.id, master.id);
    const agentId = reg.registered.agent_id.value;
    await link.post({ type: 'PONG', agent_id: { value: agentId } }, stream.linkId);
    await assert.rejects(link.post({ type: 'PONG', agent_id: { value: agentId } }, 'another-link'), /master answered 403/);
    await assert.rejects(link.post({ type: 'NOPE', agent_id: { value: agentId } } as never, stream.linkId), /master answered 400: Unknown agent call type 'NOPE'/);
    const res = await fetch(`${url}/master/api/v1/plateau/agent`, { method: 'POST', body: '{"type":' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /^Failed to parse body into JSON/);
    stream.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(master.agents.get(agentId)?.connected, false, 'closing the stream disconnects the agent');
    link.dispose();
  });

  it('lets the gate answer first: a recovering leader 503, a standby 307 to the leader', async () => {
    let leading = true;
    const view = { leading: () => leading, recovered: () => false, leader: () => ({ hostname: 'leader.example', port: 5050 }) };
    const { url, master } = await serve((u) => standbyAnswer(view, u));
    const post = () => fetch(`${url}/master/api/v1/plateau/agent`, { method: 'POST', body: JSON.stringify(register), redirect: 'manual' });
    const recovering = await post();
    assert.equal(recovering.status, 503);
    assert.equal(await recovering.text(), 'Master has not finished recovery');
    leading = false;
    const standby = await post();
    assert.equal(standby.status, 307);
    assert.equal(standby.headers.get('location'), '//leader.example:5050/master/api/v1/plateau/agent');
    assert.equal(master.agents.size, 0, 'the master was not asked');
  });
});
