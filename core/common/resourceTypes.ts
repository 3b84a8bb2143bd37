/**
 * Wire types for Mesos v1 `Resource`, `Value` and `Attribute`, with the proto field names the JSON uses.
 * See `include/mesos/v1/mesos.proto`; only fields Plateau reads or writes are typed.
 */

/** ValueType is the kind of a `Resource` or `Attribute` value. */
export type ValueType = 'SCALAR' | 'RANGES' | 'SET' | 'TEXT';

/** Scalar is a fixed-point number with three decimal places of precision on the wire. */
export interface Scalar {
  value: number;
}

/** Range is an inclusive interval of unsigned integers (ports, mostly). */
export interface Range {
  begin: number;
  end: number;
}

/** Ranges is a list of `Range`, in the wire form `{"range":[...]}`. */
export interface Ranges {
  range: Range[];
}

/** ValueSet is a set of strings, in the wire form `{"item":[...]}`. */
export interface ValueSet {
  item: string[];
}

/** ReservationInfo describes one level of a (possibly refined) reservation. */
export interface ReservationInfo {
  type?: 'STATIC' | 'DYNAMIC';
  role?: string;
  principal?: string;
  labels?: { labels: Array<{ key: string; value?: string }> };
}

/** AllocationInfo says which role an allocated or offered resource belongs to. */
export interface AllocationInfo {
  role?: string;
}

/** Resource is one named resource: `cpus`, `mem`, `disk`, `ports`, or any custom name. */
export interface Resource {
  name: string;
  type: ValueType;
  scalar?: Scalar;
  ranges?: Ranges;
  set?: ValueSet;
  /** role is the pre-refinement reservation role (`*` when unreserved); Plateau writes it only for old frameworks. */
  role?: string;
  reservation?: ReservationInfo;
  reservations?: ReservationInfo[];
  allocation_info?: AllocationInfo;
  revocable?: Record<string, never>;
  disk?: unknown;
  shared?: Record<string, never>;
  provider_id?: { value: string };
}

/** Attribute is an agent attribute (`rack:abc`, `level:10`, `keys:[1000-1500]`). */
export interface Attribute {
  name: string;
  type: ValueType;
  scalar?: Scalar;
  ranges?: Ranges;
  set?: ValueSet;
  text?: { value: string };
}
