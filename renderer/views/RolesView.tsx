/** RolesView is not written yet. */
export function RolesView() {
  return <p className="empty">Coming soon.</p>;
}
