import type { KeyboardEvent, ReactNode } from 'react';

interface TabListProps<T extends string> {
  tabs: readonly T[];
  selected: T;
  onSelect(tab: NoInfer<T>): void;
  /** label names the tab list for screen readers. */
  label: string;
  /** idOf is a tab's element id, which its panel's `aria-labelledby` names. */
  idOf(tab: NoInfer<T>): string;
  /** panelOf is the id of the panel a tab controls. */
  panelOf(tab: NoInfer<T>): string;
  /** render draws a tab's text; the tab's own name by default. */
  render?(tab: NoInfer<T>): ReactNode;
}

/**
 * TabList is the views' row of ARIA tabs, so every tab strip behaves alike: only the selected tab is in the Tab
 * order; ArrowLeft and ArrowRight select the previous and next tab (wrapping round), Home and End the first and
 * last, and focus follows.
 */
export function TabList<T extends string>({ tabs, selected, onSelect, label, idOf, panelOf, render }: TabListProps<T>) {
  const onKeyDown = (e: KeyboardEvent, from: T) => {
    const i = tabs.indexOf(from);
    let next: T | undefined;
    if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
    else if (e.key === 'ArrowLeft') next = tabs[(i + tabs.length - 1) % tabs.length];
    else if (e.key === 'Home') next = tabs[0];
    else if (e.key === 'End') next = tabs[tabs.length - 1];
    if (next === undefined) return;
    e.preventDefault();
    onSelect(next);
    document.getElementById(idOf(next))?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button
          key={t}
          id={idOf(t)}
          type="button"
          role="tab"
          aria-selected={t === selected}
          aria-controls={panelOf(t)}
          tabIndex={t === selected ? 0 : -1}
          className={t === selected ? 'active' : undefined}
          onClick={() => onSelect(t)}
          onKeyDown={(e) => onKeyDown(e, t)}
        >
          {render ? render(t) : t}
        </button>
      ))}
    </div>
  );
}
