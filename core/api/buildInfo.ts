/**
 * BUILD_INFO is what `/version`, `GET_VERSION` and `/master/state` report. The version is the Mesos API
 * level Plateau implements, so tools that gate features on the Mesos version behave as with Mesos 1.11.
 */
export const BUILD_INFO = {
  version: '1.11.0',
  build_date: '2026-11-22 00:00:00',
  build_time: 1795305600,
  build_user: 'plateau',
  git_sha: 'plateau',
} as const;
