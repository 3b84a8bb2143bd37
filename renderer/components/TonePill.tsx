import type { ReactNode } from 'react';

/** Tone picks a pill's colour from the theme (the shared view styles' `tone-*` rules). */
export type Tone = 'ok' | 'warn' | 'bad' | 'accent' | 'offered' | 'muted';

/** TonePill is a small coloured label (a state, an outcome), so a glance down a column finds the odd one; `testId` lets tests find it. */
export function TonePill({ tone, children, title, testId }: { tone: Tone; children: ReactNode; title?: string; testId?: string }) {
  return (
    <span className={`pill tone-${tone}`} title={title} data-testid={testId}>
      {children}
    </span>
  );
}
