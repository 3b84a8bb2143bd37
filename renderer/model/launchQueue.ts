/**
 * Marathon's launch queue (`GET /v2/queue?embed=lastUnusedOffers`) turned into the answer to "why is my app
 * waiting?", for the Offers view's panel and the app detail view alike: the one vocabulary of Marathon's
 * offer-rejection reasons (a short title, what the check means, and a sentence with this app's counts), the
 * backoff delay, what one instance asks for and whether any agent could ever hold it. Pure.
 */
import { scalar, type WireAgent } from './clusterState.js';
import { formatDuration, formatMem, formatNumber, plural } from './format.js';

/** WireQueueApp is the part of a queued app definition the explanations quote. */
export interface WireQueueApp {
  id: string;
  instances?: number;
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
  role?: string;
  acceptedResourceRoles?: string[];
  constraints?: string[][];
  portDefinitions?: Array<{ port?: number }>;
  requirePorts?: boolean;
  container?: { portMappings?: Array<{ hostPort?: number }> | null } | null;
}

/** ReasonCount is one line of a queue entry's reject summary: how many offers a check saw and declined. */
export interface ReasonCount {
  reason: string;
  declined: number;
  processed: number;
}

/** UnusedOffer is one of `lastUnusedOffers`: an offer Marathon declined for this app, and why. */
export interface UnusedOffer {
  offer?: { id?: string; hostname?: string; agentId?: string };
  reason?: string[];
  timestamp?: string;
}

/** WireQueueEntry is one element of `/v2/queue`'s `queue`; every field is optional, so a partial answer is still explained rather than breaking a view. */
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
    rejectSummaryLastOffers?: ReasonCount[];
    rejectSummaryLaunchAttempt?: ReasonCount[];
  };
  lastUnusedOffers?: UnusedOffer[];
}

/** DeclineReason is one per-reason line under a waiting app. */
export interface DeclineReason extends ReasonCount {
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

/** ReasonWords is how the console speaks of one of Marathon's `NoOfferMatchReason`s, wherever it shows one. */
interface ReasonWords {
  /** title names the check in a word or two. */
  title: string;
  /** help says what the check found, for any app. */
  help: string;
  /** mostly ends "… could not be used, mostly …". */
  mostly: string;
  /** declined ends "N of M offers …" with what those offers lacked for this app. */
  declined(app: WireQueueApp | undefined, role: string | undefined): string;
}

const asked = (n: number | undefined, unit = '') => (n !== undefined ? ` (${formatNumber(n)}${unit})` : '');

/** REASONS is the one vocabulary of Marathon's offer-rejection reasons, in words an operator can act on. */
const REASONS: Record<string, ReasonWords> = {
  UnfulfilledRole: {
    title: 'Role',
    help: "The offer's resources belong to a role this app may not use (see role and acceptedResourceRoles).",
    mostly: 'because of the role',
    declined: (_app, role) => `held resources of a role the app may not use${role ? ` (it launches as role "${role}")` : ''}`,
  },
  UnfulfilledConstraint: {
    title: 'Constraints',
    help: "The agent does not satisfy the app's placement constraints.",
    mostly: 'because of placement constraints',
    declined: (app) => {
      const c = app ? constraintsText(app) : '';
      return `came from agents that break the app's placement constraints${c ? ` (${c})` : ''}`;
    },
  },
  NoCorrespondingReservationFound: {
    title: 'Reservation',
    help: 'The offer holds no reservation or volume for this resident app.',
    mostly: 'for want of a reservation',
    declined: () => "lacked the reservation the app's resident (persistent-volume) tasks need",
  },
  AgentMaintenance: {
    title: 'Maintenance',
    help: 'The agent is draining or scheduled for maintenance.',
    mostly: 'because agents are in maintenance',
    declined: () => 'came from agents in a maintenance window',
  },
  InsufficientCpus: {
    title: 'CPUs',
    help: 'The agent has fewer free CPUs than one instance asks for.',
    mostly: 'for lack of CPUs',
    declined: (app) => `had fewer free CPUs than one instance needs${asked(app?.cpus)}`,
  },
  InsufficientMemory: {
    title: 'Memory',
    help: 'The agent has less free memory than one instance asks for.',
    mostly: 'for lack of memory',
    declined: (app) => `had less free memory than one instance needs${asked(app?.mem, ' MB')}`,
  },
  InsufficientDisk: {
    title: 'Disk',
    help: 'The agent has less free disk than one instance asks for.',
    mostly: 'for lack of disk',
    declined: (app) => `had less free disk than one instance needs${asked(app?.disk, ' MB')}`,
  },
  InsufficientGpus: {
    title: 'GPUs',
    help: 'The agent has fewer free GPUs than one instance asks for.',
    mostly: 'for lack of GPUs',
    declined: (app) => `had fewer free GPUs than one instance needs${asked(app?.gpus)}`,
  },
  InsufficientPorts: {
    title: 'Ports',
    help: 'The agent cannot provide the host ports the app asks for (fixed ports taken, or too few free).',
    mostly: 'for lack of ports',
    declined: (app) => {
      const n = app ? hostPorts(app) : 0;
      const fixed = app?.requirePorts ? ' (the app requires its exact port numbers)' : '';
      return `did not have the host ports the app asks for${n > 0 ? ` (${plural(n, 'port')} per instance)` : ''}${fixed}`;
    },
  },
  DeclinedScarceResources: {
    title: 'Scarce resources',
    help: 'The agent has GPUs, which are kept for apps that ask for GPUs.',
    mostly: 'to save GPUs',
    declined: () => 'carried GPUs, which Marathon saves for apps that need them',
  },
};

/** wordsFor looks a reason up in REASONS (own keys only: a reason named `constructor` is unknown, not a function). */
function wordsFor(reason: string): ReasonWords | undefined {
  return Object.hasOwn(REASONS, reason) ? REASONS[reason] : undefined;
}

/** NO_OFFER_CAUSES says why no offer may have reached Marathon for a waiting app; the headline and the app panel both end on it. */
export const NO_OFFER_CAUSES = 'the cluster may have no free resources for its role, or they are offered to other frameworks';

/** reasonTitle names a rejection reason in a word or two, for tables; unknown reasons get their words split. */
export function reasonTitle(reason: string): string {
  return wordsFor(reason)?.title ?? reason.replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** reasonHelp explains what a rejection reason means for any app (empty for reasons the console does not know). */
export function reasonHelp(reason: string): string {
  return wordsFor(reason)?.help ?? '';
}

/** constraintsText writes an app's placement constraints as Marathon's CLI does: `hostname:UNIQUE, rack:CLUSTER:r1`. */
export function constraintsText(app: Pick<WireQueueApp, 'constraints'>): string {
  return (app.constraints ?? []).map((parts) => parts.join(':')).join(', ');
}

function hostPorts(app: WireQueueApp): number {
  const defs = app.portDefinitions?.length ?? 0;
  const mapped = (app.container?.portMappings ?? []).filter((m) => m.hostPort !== undefined).length;
  return Math.max(defs, mapped);
}

/** declineReasonText explains one of Marathon's `NoOfferMatchReason`s for `app` in a sentence, with the counts. */
export function declineReasonText(reason: string, declined: number, processed: number, app?: WireQueueApp, role?: string): string {
  const share = processed > 0 ? `${declined} of ${plural(processed, 'offer')}` : plural(declined, 'offer');
  const words = wordsFor(reason);
  return words ? `${share} ${words.declined(app, role)}.` : `${share} could not be used: ${reason}.`;
}

/** declinedPercent is the share of the offers a check saw that it declined, 0 to 100, for the reason tables' bars. */
export function declinedPercent(r: ReasonCount): number {
  return r.processed > 0 ? (r.declined / r.processed) * 100 : 0;
}

/** mainBlocker is the reason that declined the most offers, if any declined: the one to fix first. */
export function mainBlocker(rows: readonly ReasonCount[] | undefined): ReasonCount | undefined {
  let best: ReasonCount | undefined;
  for (const r of rows ?? []) if (r.declined > 0 && (!best || r.declined > best.declined)) best = r;
  return best;
}

/** backoffSeconds is the backoff delay still to run, in whole seconds rounded up: 0 when Marathon is trying now. */
export function backoffSeconds(entry: Pick<WireQueueEntry, 'delay'>): number {
  const d = entry.delay;
  return d && !d.overdue ? Math.max(0, Math.ceil(d.timeLeftSeconds ?? 0)) : 0;
}

/** queueByApp indexes launch-queue entries by app id (pods are left out: no app view shows them). */
export function queueByApp(queue: readonly WireQueueEntry[] | undefined): Map<string, WireQueueEntry> {
  const m = new Map<string, WireQueueEntry>();
  for (const q of queue ?? []) if (q.app?.id) m.set(q.app.id, q);
  return m;
}

/** instanceAsks lists what one instance of a queued app asks for (resources, roles, constraints), for "One instance asks for …". */
export function instanceAsks(entry: WireQueueEntry): string[] {
  const app = entry.app;
  if (!app) return [];
  const role = entry.role ?? app.role;
  const accepted = app.acceptedResourceRoles ?? [];
  const constraints = constraintsText(app);
  return [
    `${formatNumber(app.cpus)} CPUs`,
    `${formatMem(app.mem ?? 0)} memory`,
    app.disk ? `${formatMem(app.disk)} disk` : '',
    app.gpus ? `${app.gpus} GPUs` : '',
    role ? `role ${role}` : '',
    accepted.length > 0 ? `accepted roles ${accepted.join(', ')}` : '',
    constraints ? `constraints ${constraints}` : '',
  ].filter(Boolean);
}

/** queueRows explains each queue entry; apps with the most unused offers come first. */
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
      const delaySeconds = backoffSeconds(e);
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
  const forHow = Number.isFinite(age) && nowMs > age ? ` for ${formatDuration((nowMs - age) / 1000)}` : '';
  if (delaySeconds > 0) return `${who}${forHow}; launches are held back for ${formatDuration(delaySeconds)} more (backoff after failed tasks).`;
  if (processed === 0) return `${who}${forHow}; no offers have reached Marathon for it yet: ${NO_OFFER_CAUSES}.`;
  if (unused === 0) return `${who}${forHow}; the offers Marathon saw were usable, so launches should follow shortly.`;
  const top = reasons[0];
  return `${who}${forHow}; ${unused} of ${plural(processed, 'offer')} could not be used${top ? `, mostly ${wordsFor(top.reason)?.mostly ?? top.reason}` : ''}.`;
}

/** Capacity is the largest amount of each scalar resource a single active agent has in total. */
export type Capacity = Record<'cpus' | 'mem' | 'disk' | 'gpus', number>;

/** largestAgent finds, per resource, the most any one active agent has: what a single instance can never exceed. */
export function largestAgent(agents: Iterable<WireAgent>): Capacity | undefined {
  let out: Capacity | undefined;
  for (const a of agents) {
    if (!a.active) continue;
    const res = a.total_resources ?? a.agent_info.resources;
    const c = out ?? { cpus: 0, mem: 0, disk: 0, gpus: 0 };
    for (const k of ['cpus', 'mem', 'disk', 'gpus'] as const) c[k] = Math.max(c[k], scalar(res, k));
    out = c;
  }
  return out;
}

/** neverFits lists the resources an instance asks more of than any agent has: waiting will not help. */
export function neverFits(ask: Partial<Capacity>, largest: Capacity | undefined): Array<{ resource: keyof Capacity; ask: number; largest: number }> {
  if (!largest) return [];
  return (['cpus', 'mem', 'disk', 'gpus'] as const).filter((k) => (ask[k] ?? 0) > largest[k]).map((k) => ({ resource: k, ask: ask[k] ?? 0, largest: largest[k] }));
}
