import { useFeed } from '../data/consoleContext.js';

const LABELS = { 'mesos-operator': 'master events', 'marathon-events': 'Marathon events', 'plateau-offers': 'offers stream' } as const;

/** StreamBadges shows each live feed's health, so stale data never passes for live data. */
export function StreamBadges() {
  const feed = useFeed();
  if (!feed) return null;
  return (
    <div className="badges" data-testid="streams">
      {(Object.keys(LABELS) as Array<keyof typeof LABELS>).map((k) => {
        const s = feed.streams[k];
        const text = s.state === 'retrying' ? `retrying in ${Math.ceil(s.inMs / 1000)}s: ${s.error}` : s.state === 'unsupported' ? s.error : s.state;
        return (
          <span key={k} className={`pill stream-${s.state}`} title={text}>
            {LABELS[k]}: {s.state}
          </span>
        );
      })}
    </div>
  );
}
