/** FrameworksView is not written yet. */
export function FrameworksView() {
  return <p className="empty">Coming soon.</p>;
}
