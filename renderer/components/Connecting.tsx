import { StreamBadges } from './StreamBadges.js';

/** Connecting is what a feed-driven view shows until the master's event stream has delivered the cluster state, so it never looks empty. */
export function Connecting({ title }: { title: string }) {
  return (
    <section>
      <h1>{title}</h1>
      <div className="empty" role="status">
        Connecting to the master's event stream…
      </div>
      <StreamBadges />
    </section>
  );
}
