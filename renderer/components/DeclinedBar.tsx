/**
 * DeclinedBar draws the share of offers a launch-queue check declined (0 to 100) as a red bar, the same in the app
 * view and under the Offers view; `title` says it in words, and the table beside it has the numbers.
 */
export function DeclinedBar({ percent, title }: { percent: number; title: string }) {
  return (
    <span className="bar declined-bar" title={title} aria-hidden="true">
      <span className="declined" style={{ width: `${percent}%` }} />
    </span>
  );
}
