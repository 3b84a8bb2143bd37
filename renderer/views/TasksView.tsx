/** TasksView is not written yet. */
export function TasksView() {
  return <p className="empty">Coming soon.</p>;
}
