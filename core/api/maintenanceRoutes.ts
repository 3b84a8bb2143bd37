import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Master } from '../master/master.js';
import { readMachineIds, readSchedule } from '../master/maintenance.js';
import { parseMesosJson, sendJson, statusOf } from './mesosHttp.js';

/**
 * registerMaintenanceRoutes serves Mesos's maintenance endpoints, under `/master/` and at the root as Mesos does:
 * `GET`/`POST /maintenance/schedule`, `GET /maintenance/status`, `POST /machine/down` and `POST /machine/up`. Errors are
 * Mesos's 400s with a plain-text reason; nothing changes unless the registry took the change.
 */
export function registerMaintenanceRoutes(app: FastifyInstance, master: Master): void {
  for (const prefix of ['/master', '']) {
    app.get(`${prefix}/maintenance/schedule`, (req, reply) => sendJson(req, reply, master.maintenance.state().schedule));
    app.post(`${prefix}/maintenance/schedule`, (req, reply) => change(reply, () => master.updateMaintenanceSchedule(readSchedule(body(req)))));
    app.get(`${prefix}/maintenance/status`, (req, reply) => sendJson(req, reply, master.maintenance.status()));
    app.post(`${prefix}/machine/down`, (req, reply) => change(reply, () => master.startMaintenance(readMachineIds(body(req)))));
    app.post(`${prefix}/machine/up`, (req, reply) => change(reply, () => master.stopMaintenance(readMachineIds(body(req)))));
  }
}

/**
 * maintenanceOperatorCall answers the operator API's maintenance calls; undefined when `call` is not one of them.
 * Reads give `[type, payload]`; changes give `null` once applied.
 */
export async function maintenanceOperatorCall(master: Master, call: { type: string; [k: string]: unknown }): Promise<[string, unknown] | null | undefined> {
  switch (call.type) {
    case 'GET_MAINTENANCE_STATUS':
      return ['GET_MAINTENANCE_STATUS', { status: master.maintenance.status() }];
    case 'GET_MAINTENANCE_SCHEDULE':
      return ['GET_MAINTENANCE_SCHEDULE', { schedule: master.maintenance.state().schedule }];
    case 'UPDATE_MAINTENANCE_SCHEDULE':
      await master.updateMaintenanceSchedule(readSchedule((call.update_maintenance_schedule as { schedule?: unknown } | undefined)?.schedule ?? {}));
      return null;
    case 'START_MAINTENANCE':
      await master.startMaintenance(readMachineIds((call.start_maintenance as { machines?: unknown } | undefined)?.machines));
      return null;
    case 'STOP_MAINTENANCE':
      await master.stopMaintenance(readMachineIds((call.stop_maintenance as { machines?: unknown } | undefined)?.machines));
      return null;
    default:
      return undefined;
  }
}

function body(req: FastifyRequest): unknown {
  return parseMesosJson(String(req.body ?? ''));
}

async function change(reply: FastifyReply, fn: () => Promise<void>): Promise<unknown> {
  try {
    await fn();
    return reply.code(200).send();
  } catch (err) {
    return reply.code(statusOf(err)).type('text/plain; charset=utf-8').send((err as Error).message);
  }
}
