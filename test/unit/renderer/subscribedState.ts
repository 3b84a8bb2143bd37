import { applyOperatorEvent, emptyClusterState, type ClusterState, type WireGetState } from '../../../renderer/model/clusterState.js';

/** subscribedState is the cluster state right after SUBSCRIBED delivered `getState`: where the view-model tests start from. */
export function subscribedState(getState: WireGetState): ClusterState {
  const s = emptyClusterState();
  applyOperatorEvent(s, { type: 'SUBSCRIBED', subscribed: { get_state: getState } });
  return s;
}
