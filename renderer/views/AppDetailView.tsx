/** AppDetailView is not written yet. */
export function AppDetailView({ appId }: { appId: string }) {
  return <p className="empty">{appId}</p>;
}
