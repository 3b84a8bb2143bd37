import type { ReactNode } from 'react';
import { errorText } from '../model/format.js';

/**
 * ErrorBanner says what could not be loaded and why, so a failed call never passes for an empty list. With
 * `retrying` it also says a poll keeps trying; `children` (a Retry button) follow the message.
 */
export function ErrorBanner({ what, error, retrying = false, children }: { what: string; error: unknown; retrying?: boolean; children?: ReactNode }) {
  return (
    <div className="banner error" role="alert">
      Could not load {what}: {errorText(error)}
      {retrying ? ' — retrying.' : ''}
      {children}
    </div>
  );
}
