// Agent attributes (`--attributes=rack:abc;level:10;keys:[1000-1500]`) as Mesos parses them
// (src/common/attributes.cpp) and as the legacy endpoints and Marathon's constraints print them.
import { invalid } from './errors.js';
import type { Attribute, Range } from './resourceTypes.js';
import { coalescePairs, formatDouble, parseValue } from './resourceValues.js';

/**
 * parseAttributes reads an agent's `--attributes` flag ("rack:abc;zone:west;level:10;keys:[1000-1500]",
 * entries separated by `;` or newlines, spaces ignored) into v1 attributes: a non-negative number is a
 * SCALAR, `[b-e, ...]` is RANGES (merged), anything else is TEXT. Mesos refuses set values (`{a,b}`) for
 * attributes, and so does this; so `rack:{a,b}` throws. Throws `CoreError('INVALID')` on bad syntax, where
 * Mesos would abort the agent.
 */
export function parseAttributes(text: string): Attribute[] {
  const out: Attribute[] = [];
  for (const token of text.split(/[;\n]/)) {
    if (token.trim() === '') continue;
    const colon = token.indexOf(':');
    const name = colon < 0 ? '' : token.slice(0, colon).trim();
    const valueText = colon < 0 ? '' : token.slice(colon + 1);
    if (name === '' || valueText.trim() === '') throw invalid(`Invalid attribute key:value pair '${token}'`);
    const value = parseValue(valueText);
    if (typeof value === 'string') throw invalid(`Failed to parse attribute ${name} text ${valueText} error ${value}`);
    switch (value.type) {
      case 'SCALAR':
        out.push({ name, type: 'SCALAR', scalar: { value: value.value } });
        break;
      case 'TEXT':
        out.push({ name, type: 'TEXT', text: { value: value.value } });
        break;
      case 'RANGES': {
        for (let i = 0; i < value.pairs.length; i += 2) {
          if ((value.pairs[i] as number) > (value.pairs[i + 1] as number)) {
            throw invalid(`Failed to parse attribute ${name} text ${valueText} error range begin > end`);
          }
        }
        out.push({ name, type: 'RANGES', ranges: { range: toRanges(coalescePairs(value.pairs)) } });
        break;
      }
      case 'SET':
        throw invalid(`Bad type for attribute ${name} text ${valueText} type SET`);
    }
  }
  return out;
}

/**
 * formatAttributes writes attributes back in the flag syntax `parseAttributes` reads ("rack:abc;level:10"),
 * for agent command lines and logs.
 */
export function formatAttributes(attrs: readonly Attribute[]): string {
  return attrs.map((a) => `${a.name}:${mesosValueText(a, ',')}`).join(';');
}

/**
 * attributesSummary writes attributes as the legacy JSON endpoints do (`/master/state` agents'
 * `attributes`): scalars as numbers, ranges as "[1000-1500]", sets as "{a, b}", text as is. A repeated name
 * keeps the last value, as the JSON object Mesos builds does.
 */
export function attributesSummary(attrs: readonly Attribute[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const a of attrs) out[a.name] = a.type === 'SCALAR' ? scalarOf(a) : mesosValueText(a, ', ');
  return out;
}

/**
 * javaNumberText formats a number as Java's `NumberFormat.getInstance()` does in the en-US locale (what
 * Marathon uses): grouping commas, at most three fraction digits, rounding half to even on the exact binary
 * value (0.0005 is slightly above the tie, so it rounds up; 0.0625 is an exact tie and rounds to 0.062).
 */
function javaNumberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '\u221e' : '-\u221e';
  const negative = value < 0 || Object.is(value, -0);
  const abs = Math.abs(value);
  let intPart: string;
  let frac: string;
  if (abs >= 1e21) {
    intPart = BigInt(abs).toString();
    frac = '';
  } else {
    // toFixed rounds on the exact binary value but sends exact ties up; Java sends them to the even digit.
    const tie = /^(\d+)\.(\d{3})50*$/.exec(abs.toFixed(100));
    let fixed = abs.toFixed(3);
    if (tie !== null) {
      const truncated = BigInt(`${tie[1] as string}${tie[2] as string}`);
      const digits = (truncated % 2n === 0n ? truncated : truncated + 1n).toString().padStart(4, '0');
      fixed = `${digits.slice(0, -3)}.${digits.slice(-3)}`;
    }
    [intPart = '0', frac = ''] = fixed.split('.');
    frac = frac.replace(/0+$/, '');
  }
  const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${frac === '' ? '' : `.${frac}`}`;
}

/**
 * attributeText is the text Marathon's placement constraints compare for an attribute (Constraints.scala
 * `getValueString`), so `CLUSTER`, `LIKE`, `GROUP_BY` and `MAX_PER` match exactly as in Marathon: TEXT as
 * is; SCALAR through Java's NumberFormat (10 gives "10", 1.5 gives "1.5", 1234 gives "1,234"); RANGES sorted
 * by begin as "[a-b,c-d]"; SET sorted as "{a,b}".
 */
export function attributeText(attr: Attribute): string {
  switch (attr.type) {
    case 'TEXT':
      return attr.text?.value ?? '';
    case 'SCALAR':
      return javaNumberText(scalarOf(attr));
    case 'RANGES': {
      const ranges = [...(attr.ranges?.range ?? [])].sort((x, y) => Number(x.begin) - Number(y.begin));
      return `[${ranges.map((r) => `${r.begin}-${r.end}`).join(',')}]`;
    }
    case 'SET':
      return `{${[...(attr.set?.item ?? [])].sort().join(',')}}`;
  }
}

function scalarOf(a: Attribute): number {
  return Number(a.scalar?.value ?? 0);
}

/** mesosValueText prints a value as Mesos's stream operators do (ranges and sets in stored order). */
function mesosValueText(a: Attribute, separator: string): string {
  switch (a.type) {
    case 'TEXT':
      return a.text?.value ?? '';
    case 'SCALAR':
      return formatDouble(scalarOf(a));
    case 'RANGES':
      return `[${(a.ranges?.range ?? []).map((r) => `${r.begin}-${r.end}`).join(separator)}]`;
    case 'SET':
      return `{${(a.set?.item ?? []).join(separator)}}`;
  }
}

function toRanges(flat: readonly number[]): Range[] {
  const out: Range[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ begin: flat[i] as number, end: flat[i + 1] as number });
  return out;
}
