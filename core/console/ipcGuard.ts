/** APP_ORIGIN is where the desktop app serves its renderer: a custom scheme, not file:// (Electron checklist #18). */
export const APP_ORIGIN = 'plateau://app';

/**
 * isTrustedSender says whether an IPC message comes from the app's own renderer frame (Electron checklist #17:
 * validate `event.senderFrame` on every message). Anything else, such as a page navigated elsewhere or an
 * injected frame, is ignored.
 */
export function isTrustedSender(frameUrl: string | undefined | null): boolean {
  if (!frameUrl) return false;
  try {
    const u = new URL(frameUrl);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** isAllowedNavigation says whether the window may navigate to `url`: only within the app itself. */
export function isAllowedNavigation(url: string): boolean {
  return isTrustedSender(url);
}
