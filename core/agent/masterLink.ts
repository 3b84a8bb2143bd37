import type { AgentCall, AgentEvent } from '../protocol/plateau/agentLink.js';

/** MasterStream is one open link to the master: events arrive through the callbacks given to `open`. */
export interface MasterStream {
  readonly linkId: string;
  close(): void;
}

/**
 * MasterLink is how an agent reaches its master: `open` posts REGISTER/REREGISTER and streams events
 * until either side closes; `post` sends a short call on the open link. The real one speaks HTTP
 * (`core/node/httpMasterLink.ts`); the interface keeps the agent free of sockets.
 */
export interface MasterLink {
  open(
    call: Extract<AgentCall, { type: 'REGISTER' | 'REREGISTER' }>,
    onEvent: (event: AgentEvent) => void,
    onClose: (err?: Error) => void,
  ): Promise<MasterStream>;
  post(call: AgentCall, linkId: string): Promise<void>;
}
