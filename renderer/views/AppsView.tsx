/** AppsView is not written yet. */
export function AppsView() {
  return <p className="empty">Coming soon.</p>;
}
