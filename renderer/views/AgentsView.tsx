/** AgentsView is not written yet. */
export function AgentsView() {
  return <p className="empty">Coming soon.</p>;
}

/** AgentDetailView is not written yet. */
export function AgentDetailView({ agentId }: { agentId: string }) {
  return <p className="empty">{agentId}</p>;
}
