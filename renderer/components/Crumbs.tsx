import { Fragment, type ReactNode } from 'react';

/** Crumb is one step back up the trail: a link's text and where it goes. */
export interface Crumb {
  label: ReactNode;
  href: string;
}

/** Crumbs is the trail above a detail view's heading (`Apps /`, `Agents / host /`), so the way back is one click. */
export function Crumbs({ trail }: { trail: readonly Crumb[] }) {
  return (
    <p className="view-crumbs">
      {trail.map((c, i) => (
        <Fragment key={i}>
          <a href={c.href}>{c.label}</a> /{' '}
        </Fragment>
      ))}
    </p>
  );
}
