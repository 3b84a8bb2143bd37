/** DeploymentsView is not written yet. */
export function DeploymentsView() {
  return <p className="empty">Coming soon.</p>;
}
