/** AppCreateView is not written yet. */
export function AppCreateView() {
  return <p className="empty">Coming soon.</p>;
}
