import type { ZkSession } from './zkSession.js';

/**
 * SessionKeeper hands out a live ZooKeeper session for writers that own no ephemeral nodes (a registry, a store):
 * one session shared by all their calls, and a new one opened after the old one expires, so a ZooKeeper outage
 * costs failed calls rather than a dead writer.
 */
export class SessionKeeper {
  private session: ZkSession | undefined;
  private opening: Promise<ZkSession> | undefined;

  constructor(private readonly newSession: () => Promise<ZkSession>) {}

  /** live returns a session that has not expired, opening one when needed. */
  async live(): Promise<ZkSession> {
    if (this.session && this.session.state() !== 'expired') return this.session;
    this.opening ??= this.newSession()
      .then((s) => (this.session = s))
      .finally(() => (this.opening = undefined));
    return this.opening;
  }

  /** close ends the current session. */
  close(): void {
    void this.session?.dispose();
    this.session = undefined;
  }
}
