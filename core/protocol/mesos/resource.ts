/**
 * Wire types for Mesos v1 `Resource`, `Value` and `Attribute`. They live in `core/common/resourceTypes.ts`
 * so the resource arithmetic in `core/common` can use them without importing protocol; this module
 * re-exports them under their protocol path.
 */
// The layer rule allows protocol to import common, but its pattern `!../../common/*` cannot re-include
// files under the excluded `../../*` (gitignore semantics); adding `!../../common` to it would fix that.
// eslint-disable-next-line no-restricted-imports
export type * from '../../common/resourceTypes.js';
