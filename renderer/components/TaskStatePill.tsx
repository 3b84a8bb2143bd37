import { shortState } from '../model/format.js';

/**
 * TaskStatePill shows a Mesos task state in its colour (styles.css's `state-*` classes), whole (`TASK_RUNNING`) or
 * `short` (`RUNNING`), so every table colours task states alike.
 */
export function TaskStatePill({ state, short = false }: { state: string; short?: boolean }) {
  return <span className={`pill state-${shortState(state)}`}>{short ? shortState(state) : state}</span>;
}
