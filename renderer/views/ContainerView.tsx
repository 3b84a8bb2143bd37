/** ContainerView is not written yet. */
export function ContainerView({ agentId, frameworkId, executorId }: { agentId: string; frameworkId: string; executorId: string }) {
  return <p className="empty">{agentId} {frameworkId} {executorId}</p>;
}
