// Role names follow Mesos's rules (src/common/roles.cpp) so a framework or reservation accepted by Mesos is
// accepted here, and the allocator's hierarchical-role logic agrees with Mesos's.

// Horizontal tab, line feed, vertical tab, form feed, carriage return, space and DEL.
const INVALID_ROLE_CHARACTERS = /[\t\n\v\f\r \x7f]/;

/**
 * validateRole checks a role name as Mesos does and returns the error message, or undefined when the name
 * is valid, so every edge (flags, SUBSCRIBE, RESERVE) rejects the same names with the same words.
 * `*` (the default role) is valid on its own but not as a component of a hierarchical role `a/b/c`.
 */
export function validateRole(role: string): string | undefined {
  if (role === '*') return undefined;
  if (role.startsWith('/')) return `Role '${role}' cannot start with a slash`;
  if (role.endsWith('/')) return `Role '${role}' cannot end with a slash`;
  if (role.includes('//')) return `Role '${role}' cannot contain two adjacent slashes`;
  if (role === '') return 'Role names cannot be the empty string';
  for (const component of role.split('/')) {
    if (component === '.') return `Role '${role}' cannot include '.' as a component`;
    if (component === '..') return `Role '${role}' cannot include '..' as a component`;
    if (component === '*') return `Role '${role}' cannot include '*' as a component`;
    if (component.startsWith('-')) return `Role component '${component}' is invalid because it starts with a dash`;
    if (INVALID_ROLE_CHARACTERS.test(component)) {
      return `Role component '${component}' is invalid because it contains backspace or whitespace`;
    }
  }
  return undefined;
}

/** isStrictSubroleOf says whether `child` lies strictly below `parent` in the role tree ("a/b" under "a"), the test reservations and allocations use. */
export function isStrictSubroleOf(child: string, parent: string): boolean {
  return child.length > parent.length && child.charCodeAt(parent.length) === 0x2f && child.startsWith(parent);
}

/** roleAncestors lists the strict ancestors of a hierarchical role, nearest first ("a/b/c" gives ["a/b", "a"]), for quota and weight lookups. */
export function roleAncestors(role: string): string[] {
  const out: string[] = [];
  for (let i = role.length - 1; i >= 0; i--) {
    if (role.charCodeAt(i) === 0x2f) out.push(role.slice(0, i));
  }
  return out;
}
