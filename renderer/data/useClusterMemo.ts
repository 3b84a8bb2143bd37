import { useMemo, type DependencyList } from 'react';
import type { ClusterState } from '../model/clusterState.js';
import { useFeed } from './consoleContext.js';

/**
 * useClusterMemo derives a value from the live cluster state and recomputes it only when the state moves or one of
 * `deps` changes, so views re-derive rows once per change rather than once per render. The feed mutates the state
 * in place, so its identity says nothing: its `version` is what moves. Until the feed has a state it returns `empty`.
 */
export function useClusterMemo<T>(derive: (state: ClusterState) => T, empty: T, deps: DependencyList): T {
  const feed = useFeed();
  const state = feed?.state;
  const version = feed?.version;
  // `derive` and `empty` are left out of the deps: callers pass new ones every render, and they change only with `deps`.
  return useMemo(() => {
    void version;
    return state ? derive(state) : empty;
  }, [state, version, ...deps]);
}
