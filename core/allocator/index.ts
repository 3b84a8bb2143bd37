// index re-exports the allocator's public surface, so the master imports one module and the files behind
// it can be split or renamed freely.
export { HierarchicalAllocator } from './hierarchicalAllocator.js';
export type { Allocation, AllocatorOptions, FrameworkAllocationInfo, RoleSummary } from './hierarchicalAllocator.js';
export type { Quota } from './roleTree.js';
export type { Sorter, SorterKind } from './sorter.js';
export { createSorter } from './sorter.js';
export { DrfSorter } from './drfSorter.js';
export { RandomSorter } from './randomSorter.js';
export { SorterTotal } from './sorterTotal.js';
export { ResourceQuantities } from './resourceQuantities.js';
