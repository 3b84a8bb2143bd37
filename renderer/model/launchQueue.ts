/**
 * Marathon's launch queue (`GET /v2/queue?embed=lastUnusedOffers`) turned into the answer to "why is my app
 * waiting?": for each app with instances to launch, how many offers Marathon looked at and, per reason, how many it
 * could not use, each said in plain English. Pure.
 */

/** WireQueueApp is the part of a queued app (or pod) definition the explanations quote. */
export interface WireQueueApp {
  id: string;
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
  role?: string;
  constraints?: string[][];
  portDefinitions?: Array<{ port?: number }>;
  requirePorts?: boolean;
  container?: { portMappings?: Array<{ hostPort?: number }> | null } | null;
}

/** WireQueueEntry is one element of `/v2/queue`'s `queue`. */
export interface WireQueueEntry {
  app?: WireQueueApp;
  pod?: { id: string };
  count?: number;
  role?: string;
  delay?: { timeLeftSeconds?: number; overdue?: boolean };
  since?: string;
  processedOffersSummary?: {
    processedOffersCount?: number;
    unusedOffersCount?: number;
    lastUnusedOfferAt?: string;
    lastUsedOfferAt?: string;
    rejectSummaryLastOffers?: Array<{ reason: string; declined: number; processed: number }>;
    rejectSummaryLaunchAttempt?: Array<{ reason: string; declined: number; processed: number }>;
  };
  lastUnusedOffers?: Array<{ offer?: { id?: string; hostname?: string; agentId?: string }; reason?: string[]; timestamp?: string }>;
}

/** DeclineReason is one per-reason line under a waiting app. */
export interface DeclineReason {
  reason: string;
  declined: number;
  processed: number;
  /** text says what the reason means for this app, in plain English. */
  text: string;
}

/** QueueRow is one waiting app as the "Why are apps waiting?" panel shows it. */
export interface QueueRow {
  id: string;
  kind: 'app' | 'pod';
  waiting: number;
  role?: string;
  /** delaySeconds is the backoff still to run before Marathon tries again (0 when it is trying now). */
  delaySeconds: number;
  since?: string;
  processed: number;
  unused: number;
  lastUnusedOfferAt?: string;
  reasons: DeclineReason[];
  /** headline sums the situation up in one sentence. */
  headline: string;
  /** lastHosts names the agents whose offers were most recently left unused (at most five, newest first). */
  lastHosts: string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const num = (n: number) => String(Math.round(n * 1000) / 1000);

function hostPorts(app: WireQueueApp): number {
  const defs = app.portDefinitions?.length ?? 0;
  const mapped = (app.container?.portMappings ?? []).filter((m) => m.hostPort !== undefined).length;
  return Math.max(defs, mapped);
}

/** declineReasonText explains one of Marathon's `NoOfferMatchReason`s for `app`, with the counts. */
export function declineReasonText(reason: string, declined: number, processed: number, app?: WireQueueApp, role?: string): string {
  const share = processed > 0 ? `${declined} of ${plural(processed, 'offer')}` : plural(declined, 'offer');
  switch (reason) {
    case 'InsufficientCpus':
      return `${share} had fewer free CPUs than one instance needs${app?.cpus !== undefined ? ` (${num(app.cpus)})` : ''}.`;
    case 'InsufficientMemory':
      return `${share} had less free memory than one instance needs${app?.mem !== undefined ? ` (${num(app.mem)} MB)` : ''}.`;
    case 'InsufficientDisk':
      return `${share} had less free disk than one instance needs${app?.disk !== undefined ? ` (${num(app.disk)} MB)` : ''}.`;
    case 'InsufficientGpus':
      return `${share} had fewer GPUs than one instance needs${app?.gpus !== undefined ? ` (${num(app.gpus)})` : ''}.`;
    case 'InsufficientPorts': {
      const n = app ? hostPorts(app) : 0;
      const fixed = app?.requirePorts ? ' (the app requires its exact port numbers)' : '';
      return `${share} did not have the host ports the app asks for${n > 0 ? ` (${plural(n, 'port')} per instance)` : ''}${fixed}.`;
    }
    case 'UnfulfilledConstraint': {
      const c = (app?.constraints ?? []).map((parts) => parts.join(':')).join(', ');
      return `${share} came from agents that break the app's placement constraints${c ? ` (${c})` : ''}.`;
    }
    case 'UnfulfilledRole':
      return `${share} held resources of a role the app may not use${role ? ` (it launches as role "${role}")` : ''}.`;
    case 'NoCorrespondingReservationFound':
      return `${share} lacked the reservation the app's resident (persistent-volume) tasks need.`;
    case 'AgentMaintenance':
      return `${share} came from agents in a maintenance window.`;
    case 'DeclinedScarceResources':
      return `${share} carried GPUs, which Marathon saves for apps that need them.`;
    default:
      return `${share} could not be used: ${reason}.`;
  }
}

/** queueRows explains each queue entry; apps with the most declined offers come first. */
export function queueRows(queue: readonly WireQueueEntry[], nowMs: number): QueueRow[] {
  return queue
    .map((e): QueueRow => {
      const app = e.app;
      const id = app?.id ?? e.pod?.id ?? '(unknown)';
      const s = e.processedOffersSummary ?? {};
      const processed = s.processedOffersCount ?? 0;
      const unused = s.unusedOffersCount ?? 0;
      const role = e.role ?? app?.role;
      const summary = s.rejectSummaryLastOffers ?? s.rejectSummaryLaunchAttempt ?? [];
      const reasons = summary
        .filter((r) => r.declined > 0)
        .map((r) => ({ reason: r.reason, declined: r.declined, processed: r.processed, text: declineReasonText(r.reason, r.declined, r.processed, app, role) }))
        .sort((a, b) => b.declined - a.declined || a.reason.localeCompare(b.reason));
      const delaySeconds = e.delay && !e.delay.overdue ? Math.max(0, Math.ceil(e.delay.timeLeftSeconds ?? 0)) : 0;
      const waiting = e.count ?? 0;
      const lastHosts: string[] = [];
      for (const u of [...(e.lastUnusedOffers ?? [])].reverse()) {
        const h = u.offer?.hostname;
        if (h && !lastHosts.includes(h)) lastHosts.push(h);
        if (lastHosts.length === 5) break;
      }
      return { id, kind: app ? 'app' : 'pod', waiting, role, delaySeconds, since: e.since, processed, unused, lastUnusedOfferAt: s.lastUnusedOfferAt, reasons, lastHosts, headline: headline(waiting, delaySeconds, processed, unused, reasons, e.since, nowMs) };
    })
    .sort((a, b) => b.unused - a.unused || a.id.localeCompare(b.id));
}

function headline(waiting: number, delaySeconds: number, processed: number, unused: number, reasons: DeclineReason[], since: string | undefined, nowMs: number): string {
  const who = `${plural(waiting, 'instance')} waiting`;
  const age = since ? Date.parse(since) : NaN;
  const forHow = Number.isFinite(age) && nowMs > age ? ` for ${duration((nowMs - age) / 1000)}` : '';
  if (delaySeconds > 0) return `${who}${forHow}; launches are held back for ${duration(delaySeconds)} more (backoff after failed tasks).`;
  if (processed === 0) return `${who}${forHow}; no offers have reached Marathon for it yet: the cluster may have no free resources in its role, or other frameworks hold them.`;
  if (unused === 0) return `${who}${forHow}; the offers Marathon saw were usable, so launches should follow shortly.`;
  const top = reasons[0];
  return `${who}${forHow}; ${unused} of ${plural(processed, 'offer')} could not be used${top ? `, mostly ${REASON_SHORT[top.reason] ?? top.reason}` : ''}.`;
}

const REASON_SHORT: Record<string, string> = {
  InsufficientCpus: 'for lack of CPUs',
  InsufficientMemory: 'for lack of memory',
  InsufficientDisk: 'for lack of disk',
  InsufficientGpus: 'for lack of GPUs',
  InsufficientPorts: 'for lack of ports',
  UnfulfilledConstraint: 'because of placement constraints',
  UnfulfilledRole: 'because of the role',
  NoCorrespondingReservationFound: 'for want of a reservation',
  AgentMaintenance: 'because agents are in maintenance',
  DeclinedScarceResources: 'to save GPUs',
};

/** duration renders seconds compactly: `45s`, `3m 20s`, `2h 5m`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) ? ` ${Math.floor((s % 86400) / 3600)}h` : ''}`;
}
