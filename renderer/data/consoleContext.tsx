import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { ConnectionSummary, HttpTarget } from '../../core/protocol/console/channel.js';
import type { ConsoleChannel } from '../channel/consoleChannel.js';
import type { TransportState } from '../channel/transport.js';
import { ClusterFeeds, feedKey, type FeedSnapshot } from './clusterFeeds.js';

/** ChannelContext gives every view the window's channel to its host. */
export const ChannelContext = createContext<ConsoleChannel | null>(null);

/** useChannel returns the window's channel. */
export function useChannel(): ConsoleChannel {
  const c = useContext(ChannelContext);
  if (!c) throw new Error('useChannel outside ChannelContext');
  return c;
}

/** useConnections follows the host's list of open connections. */
export function useConnections(): ConnectionSummary[] {
  const channel = useChannel();
  return useSyncExternalStore(
    (fn) => channel.onConnections(fn),
    () => channel.connections,
  );
}

/** useHostLink follows the renderer ↔ host link (always open in Electron; a WebSocket in the browser). */
export function useHostLink(): TransportState {
  const channel = useChannel();
  return useSyncExternalStore(
    (fn) => channel.onState(fn),
    () => channel.state,
  );
}

/** CurrentConnection is the cluster the window shows, and how to act on it. */
export interface CurrentConnection {
  summary: ConnectionSummary;
  id: string;
  /** get fetches JSON from a component of the cluster through the host. */
  get<T>(target: HttpTarget, path: string): Promise<T>;
  send<T>(target: HttpTarget, method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export const ConnectionContext = createContext<CurrentConnection | null>(null);

/** useConnection returns the current cluster connection. */
export function useConnection(): CurrentConnection {
  const c = useContext(ConnectionContext);
  if (!c) throw new Error('useConnection outside ConnectionContext');
  return c;
}

/** useFeeds keeps the current connection's live streams open while mounted. */
export function useFeeds(summary: ConnectionSummary | undefined): void {
  const channel = useChannel();
  const queryClient = useQueryClient();
  const id = summary?.id;
  const hasMarathon = summary?.marathon !== undefined;
  useEffect(() => {
    if (!id) return undefined;
    const feeds = new ClusterFeeds(channel, id, queryClient, hasMarathon);
    return () => feeds.dispose();
  }, [channel, queryClient, id, hasMarathon]);
}

/** useFeed reads the current connection's live snapshot (state, offers, events, stream health). */
export function useFeed(): FeedSnapshot | undefined {
  const { id } = useConnection();
  const q = useQuery<FeedSnapshot>({ queryKey: feedKey(id), queryFn: () => new Promise<FeedSnapshot>(() => undefined), staleTime: Infinity, gcTime: Infinity });
  return q.data;
}

/** useNow re-renders every `ms` so relative times stay current. */
export function useNow(ms = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
