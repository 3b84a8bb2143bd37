/**
 * Wire types for Mesos v1 `Resource`, `Value` and `Attribute`. They live in `core/common/resourceTypes.ts`
 * so the resource arithmetic in `core/common` can use them without importing protocol; this module
 * re-exports them under their protocol path.
 */
export type * from '../../common/resourceTypes.js';
