/** EventsView is not written yet. */
export function EventsView() {
  return <p className="empty">Coming soon.</p>;
}
