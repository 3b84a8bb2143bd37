/** OffersView is not written yet. */
export function OffersView() {
  return <p className="empty">Coming soon.</p>;
}
