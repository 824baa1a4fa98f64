/**
 * Kubernetes label selectors, reproducing k8s.io/apimachinery v0.32.13 (the version KubeStellar's
 * go.mod requires) down to the text of its error messages.
 *
 * This file is the selector half of the shared matcher: other code imports it through `matcher.ts`,
 * which adds BindingPolicy resolution on top. Everything here is a port of Go code, and the golden
 * vectors in `shared/oracle/` (produced by the real Go code) are the test of it. Where the Go code
 * has a quirk, the quirk is reproduced on purpose and says so.
 *
 * Go strings are byte strings, JavaScript strings are UTF-16. Three places care:
 *  - lengths are counted in UTF-8 bytes (`utf8ByteLength`);
 *  - ordering is bytewise, i.e. code point order (`compareGoStrings`), not UTF-16 unit order;
 *  - the lexer of `labels.Parse` splits only on ASCII bytes, so scanning UTF-16 units finds the same
 *    token boundaries.
 */
import type { Labels } from './types';

// ---------------------------------------------------------------------------------------------
// Go string helpers
// ---------------------------------------------------------------------------------------------

/** The length of `s` in UTF-8 bytes, which is what Go's `len(string)` measures. */
export function utf8ByteLength(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0x80) {
      bytes += 1;
    } else if (unit < 0x800) {
      bytes += 2;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    } else {
      // A lone surrogate cannot come from Go; it counts as U+FFFD (3 bytes), as Go would decode it.
      bytes += 3;
    }
  }
  return bytes;
}

/**
 * Go's `a < b` on strings compares bytes, which for valid UTF-8 is code point order. UTF-16 unit
 * order differs from it only between surrogates (code points above U+FFFF) and U+E000..U+FFFF, so
 * the units at the first difference are remapped to restore code point order.
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

/**
 * The code points from U+0100 up that Go 1.19's `strconv.IsPrint` accepts: general categories L, M,
 * N, P and S of Unicode 13.0.0, the Unicode version of the Go that produced the oracle. JavaScript's
 * `\p{...}` classes follow whatever newer Unicode the running Node has, which would print characters
 * that Go escapes, so the Go set is spelled out. Each space-separated entry is one range in hex,
 * `gap.length` or just `gap` for a single code point: the range starts `gap` code points after the
 * end of the previous one (the first after U+00FF) and spans `length` more. Generated from the
 * Unicode 14.0 character database (general categories L, M, N, P, S, minus Age=14.0).
 */
const GO_PRINTABLE_RANGES_ENCODED =
  '0.277 2.5 4.6 1 1.13 1.18c 1.25 2.31 2.2 1.36 8.1a 4.5 11.15 2.be 1.2f 2.3a 2.64 e.3a 2.30 2.e 1.1b ' +
  '2 1.a 35.14 1.11 b.e 1.a0 1.7 2.1 2.15 1.6 1 3.3 2.8 2.1 2.3 8 4.1 1.4 2.18 2.2 1.5 4.1 2.15 1.6 1.1 ' +
  '1.1 1.1 2 1.4 4.1 2.2 3 7.3 1 7.10 a.2 1.8 1.2 1.15 1.6 1.1 1.4 2.9 1.2 1.2 2 f.3 2.b 7.6 1.2 1.7 ' +
  '2.1 2.15 1.6 1.1 1.4 2.8 2.1 2.2 7.2 4.1 1.4 2.11 a.1 1.5 3.2 1.3 3.1 1 1.1 3.1 3.2 3.b 4.4 3.2 1.3 ' +
  '2 6 e.14 5.c 1.2 1.16 1.f 3.7 1.2 1.3 7.1 1.2 5.3 2.9 7.15 1.2 1.16 1.9 1.4 2.8 1.2 1.3 7.1 7 1.3 ' +
  '2.9 1.1 d.c 1.2 1.32 1.2 1.5 4.f 2.19 1.2 1.11 3.17 1.8 1 2.6 3 4.5 1 1.7 6.9 2.2 c.39 4.1c 25.1 1 ' +
  '1.4 1.17 1 1.16 2.4 1 1.5 2.9 2.3 20.47 1.23 4.26 1.23 1.e 1.c 25.c5 1 5 2.178 1.3 2.6 1 1.3 2.28 ' +
  '1.3 2.20 1.3 2.6 1 1.3 2.e 1.38 1.3 2.42 2.1f 3.19 6.55 2.5 2.27f 1.1b 3.58 7.c 1.6 b.16 9.13 c.c ' +
  '1.2 1.1 c.5d 2.9 6.9 6.d 2.9 6.58 7.2a 5.45 a.1e 1.b 4.b 4 3.29 2.4 b.2b 4.19 6.a 3.3d 2.40 1.1c 2.a ' +
  '6.9 6.d 2.10 3f.4b 4.2c 3.73 8.3b 3.e 3.3b 7.2a 2.a 8.2a 5.f9 1.11a 2.5 2.25 2.5 2.7 1 1 1 1.1e 2.34 ' +
  '1.e 1.d 2.5 1.12 2.2 1.8 11.17 8.2e 11.1 2.1a 1.c 3.1f 10.20 f.8b 4.296 19.a 15.713 2.1f 1.97 1.2e ' +
  '1.93 5.2c 1 5 2.37 7.1 e.17 9.6 1.6 1.6 1.6 1.6 1.6 1.6 1.6 1.72 2d.19 1.58 c.d5 1a.b 5.3e 1.55 2.66 ' +
  '5.2a 1.5d 1.53 c.2e 1.6ddc 3.48c 3.36 9.15b 14.b7 8.bf 2.8 2a.37 3.9 6.37 8.45 8.b 6.73 b.1d 3.4d ' +
  '1.a 4.20 1.36 9.d 2.9 2.66 18.1b a.5 2.5 2.5 9.6 1.6 1.3b 4.7d 2.9 6.2ba3 c.16 4.30 2104.16d 2.69 ' +
  '26.6 c.4 5.19 1.4 1 1.1 1.1 1.7b 11.16c 10.3f 2.35 28.d 2.19 6.32 1.12 1.3 4.4 1.86 4.bd 3.5 2.5 2.5 ' +
  '2.2 3.6 1.6 d.1 2.b 1.19 1.12 1.1 1.e 2.d 22.7a 5.2 4.2c 3.57 1.c 3 2f.2d 82.1c 3.30 f.1b 4.23 9.1d ' +
  '5.2a 5.1d 1.24 4.d 2a.9d 2.9 6.23 4.23 4.27 8.33 b 90.136 9.15 a.7 98.5 2 1.2b 1.1 3 2.16 1.47 8.8 ' +
  '30.12 1.1 5.20 3.1a 5 40.37 4.13 2.31 1.1 5.7 1.2 1.1c 2.2 4.9 7.8 7.3f 20.26 4.b 9.35 3.1c 2.1a ' +
  '5.19 7.3 c.6 50.48 37.32 d.32 7.2d 8.9 126.1e 1.29 1.2 2.1 4e.27 8.29 56.1b 14.16 9.4d 4.1d f.3d 1.3 ' +
  'e.18 7.9 6.34 1.11 8.26 9.5f 1.13 b.11 1.2b 41.6 1 1.3 1.e 1.a 6.3a 5.9 6.3 1.7 2.1 2.15 1.6 1.1 1.4 ' +
  '1.9 2.1 2.2 2 6 5.6 2.6 3.4 8b.5b 1.4 1e.47 8.9 a6.35 2.25 22.44 b.9 6.c 13.38 7.9 36.1a 2.e 4.f ' +
  'c0.3b 64.52 c.7 2 2.7 1.1 1.1d 1.1 2.b 9.9 46.7 2.2d 2.a 1b.47 8.52 1d.38 107.8 1.2c 1.d a.1c 3.1f ' +
  '2.15 1.d 49.6 1.1 1.2b 3 1.1 1.8 8.9 6.5 1.1 1.24 1.1 1.5 7.9 136.18 b7 f.31 d.39a 66.6e 1.4 b.c3 ' +
  'abc.42e fd1.246 21b9.238 7.1e 1.9 4.1 60.1d 2.5 a.45 a.9 1.6 1.14 5.12 2b0.5a 65.4a 4.38 7.10 40.4 ' +
  'b.1 e.17f7 8.4d5 2a.8 22f7.11e 31.2 11.3 8.18b 904.6a 5.c 3.8 7.9 2.3 1360.f5 a.26 2.49 8.6d 17.45 ' +
  '9a.13 c.56 9.18 87.54 1.46 1.1 2 2.1 2.3 1.b 1 1.6 1.40 1.3 2.7 1.6 1.1b 1.3 1.4 1 3.6 1.153 2.123 ' +
  '2.2bd f.4 1.e 550.6 1.10 2.6 1.1 1.4 d5.2c 3.d 2.9 4.1 170.39 5 500.c4 2.f 29.4b 4.9 4.1 311.43 ' +
  '4c.3c c2.3 1.1a 1.1 1 2 1.9 1.3 1 1 6 4 1 1 1.2 1.1 1 2 1 1 1 1 1.1 1 2.3 1.6 1.3 1.3 1 1.9 1.10 5.2 ' +
  '1.4 1.10 34.1 10e.2b 4.63 c.e 2.e 1.e 1.24 a.ad 38.1c d.2b 4.8 7.1 e.5 9a.3d7 8.c 3.c 3.73 c.58 7.b ' +
  '14.b 4.37 8.9 6.27 8.1d 2.1 4e.78 1.51 1.86 c.d 2.4 3.2 5.6 9.18 7.6 9.2 d.6 29.92 1.36 25.9 ' +
  '406.a6dd 22.1034 b.dd 2.1681 e.1d30 c1f.21d 5e2.134a aedb5.ef';

/** Start and end (inclusive) of each printable range, flattened: [start0, end0, start1, end1, ...]. */
const GO_PRINTABLE_RANGES: Uint32Array = (() => {
  const entries = GO_PRINTABLE_RANGES_ENCODED.split(' ');
  const ranges = new Uint32Array(entries.length * 2);
  let previousEnd = 0xff;
  entries.forEach((entry, i) => {
    const [gap, length = '0'] = entry.split('.');
    const start = previousEnd + 1 + parseInt(gap, 16);
    previousEnd = start + parseInt(length, 16);
    ranges[2 * i] = start;
    ranges[2 * i + 1] = previousEnd;
  });
  return ranges;
})();

/** Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isGoPrintable(codePoint: number): boolean {
  if (codePoint <= 0xff) {
    return (codePoint >= 0x20 && codePoint <= 0x7e) || (codePoint >= 0xa1 && codePoint !== 0xad);
  }
  let low = 0;
  let high = GO_PRINTABLE_RANGES.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (codePoint < GO_PRINTABLE_RANGES[2 * middle]) high = middle - 1;
    else if (codePoint > GO_PRINTABLE_RANGES[2 * middle + 1]) low = middle + 1;
    else return true;
  }
  return false;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

/** Go's `strconv.Quote` (also what `%q` and `%#v` print for a string). */
export function goQuote(s: string): string {
  let out = '"';
  for (const char of s) {
    let codePoint = char.codePointAt(0) as number;
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
      // A lone surrogate has no UTF-8 form; Go would only ever have seen U+FFFD in its place.
      codePoint = 0xfffd;
    }
    if (codePoint === 0x22 || codePoint === 0x5c) {
      out += '\\' + String.fromCodePoint(codePoint);
    } else if (isGoPrintable(codePoint)) {
      out += String.fromCodePoint(codePoint);
    } else {
      switch (codePoint) {
        case 0x07: out += '\\a'; break;
        case 0x08: out += '\\b'; break;
        case 0x0c: out += '\\f'; break;
        case 0x0a: out += '\\n'; break;
        case 0x0d: out += '\\r'; break;
        case 0x09: out += '\\t'; break;
        case 0x0b: out += '\\v'; break;
        default:
          if (codePoint < 0x20 || codePoint === 0x7f) out += '\\x' + hex(codePoint, 2);
          else if (codePoint < 0x10000) out += '\\u' + hex(codePoint, 4);
          else out += '\\U' + hex(codePoint, 8);
      }
    }
  }
  return out + '"';
}

/** Go's `%#v` of a `[]string`: `[]string(nil)` for nil, else `[]string{"a", "b"}`. */
function goStringSliceLiteral(values: readonly string[] | null): string {
  if (values === null) return '[]string(nil)';
  return '[]string{' + values.map(goQuote).join(', ') + '}';
}

/** Go's `sort.Strings` result (the algorithm does not matter for strings: equal ones are identical). */
function sortedGoStrings(values: readonly string[]): string[] {
  return [...values].sort(compareGoStrings);
}

/**
 * Sets an own enumerable property, so that a label key such as `__proto__` is stored as data
 * instead of replacing the object's prototype.
 */
function setOwn(record: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Values from YAML or JSON that are not strings must not crash us; Go would have refused to decode them. */
function asString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// validation.IsQualifiedName and validation.IsValidLabelValue
// ---------------------------------------------------------------------------------------------

/** One reason a key or value is invalid: Go's text and a friendlier one for the editor. */
interface ValidationIssue {
  readonly go: string;
  readonly friendly: string;
}

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_ERR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = '(' + QUALIFIED_NAME_FMT + ')?';
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const DNS1123_SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_MAX_LENGTH = 63;
const LABEL_VALUE_MAX_LENGTH = 63;
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

/** validation.RegexError, including its double spaces after each example's comma. */
function regexError(message: string, format: string, ...examples: string[]): string {
  let text = message + ' (e.g. ';
  examples.forEach((example, i) => {
    if (i > 0) text += ' or ';
    text += "'" + example + "', ";
  });
  return text + "regex used for validation is '" + format + "')";
}

function maxLengthError(length: number): string {
  return `must be no more than ${length} characters`;
}

function isAsciiAlphanumeric(unit: number): boolean {
  return (unit >= 0x30 && unit <= 0x39) || (unit >= 0x41 && unit <= 0x5a) || (unit >= 0x61 && unit <= 0x7a);
}

/** `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`, the shape of a key's name part and of a non-empty value. */
function isQualifiedNameShape(s: string): boolean {
  const n = s.length;
  if (n === 0 || !isAsciiAlphanumeric(s.charCodeAt(0)) || !isAsciiAlphanumeric(s.charCodeAt(n - 1))) return false;
  for (let i = 1; i < n - 1; i++) {
    const unit = s.charCodeAt(i);
    if (!isAsciiAlphanumeric(unit) && unit !== 0x2d && unit !== 0x5f && unit !== 0x2e) return false;
  }
  return true;
}

function isLowerAlphanumeric(unit: number): boolean {
  return (unit >= 0x30 && unit <= 0x39) || (unit >= 0x61 && unit <= 0x7a);
}

/** `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$` */
function isDns1123SubdomainShape(s: string): boolean {
  for (const label of s.split('.')) {
    const n = label.length;
    if (n === 0 || !isLowerAlphanumeric(label.charCodeAt(0)) || !isLowerAlphanumeric(label.charCodeAt(n - 1))) {
      return false;
    }
    for (let i = 1; i < n - 1; i++) {
      const unit = label.charCodeAt(i);
      if (!isLowerAlphanumeric(unit) && unit !== 0x2d) return false;
    }
  }
  return true;
}

const NAME_SHAPE_FRIENDLY =
  "the name must start and end with a letter or digit and contain only letters, digits, '-', '_' and '.'";

/** validation.IsQualifiedName, as structured issues. */
function qualifiedNameIssues(key: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) {
      issues.push({ go: 'prefix part must be non-empty', friendly: "the prefix before '/' is empty" });
    } else {
      const prefixBytes = utf8ByteLength(prefix);
      if (prefixBytes > DNS1123_SUBDOMAIN_MAX_LENGTH) {
        issues.push({
          go: 'prefix part ' + maxLengthError(DNS1123_SUBDOMAIN_MAX_LENGTH),
          friendly: `the prefix is ${prefixBytes} bytes long, more than the ${DNS1123_SUBDOMAIN_MAX_LENGTH} allowed`,
        });
      }
      if (!isDns1123SubdomainShape(prefix)) {
        issues.push({
          go: 'prefix part ' + regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, 'example.com'),
          friendly: "the prefix must be a lowercase DNS subdomain such as example.com (lowercase letters, digits, '-' and '.')",
        });
      }
    }
  } else {
    return [
      {
        go:
          'a qualified name ' +
          regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc') +
          " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        friendly: "a key contains at most one '/', between an optional DNS-subdomain prefix and the name",
      },
    ];
  }
  const nameBytes = utf8ByteLength(name);
  if (nameBytes === 0) {
    issues.push({ go: 'name part must be non-empty', friendly: 'the name is empty' });
  } else if (nameBytes > QUALIFIED_NAME_MAX_LENGTH) {
    issues.push({
      go: 'name part ' + maxLengthError(QUALIFIED_NAME_MAX_LENGTH),
      friendly: `the name is ${nameBytes} bytes long, more than the ${QUALIFIED_NAME_MAX_LENGTH} allowed`,
    });
  }
  if (!isQualifiedNameShape(name)) {
    issues.push({
      go: 'name part ' + regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc'),
      // An empty name already got its own message; the shape complaint would only repeat it.
      friendly: nameBytes === 0 ? '' : NAME_SHAPE_FRIENDLY,
    });
  }
  return issues;
}

/** validation.IsValidLabelValue, as structured issues. */
function labelValueIssues(value: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const bytes = utf8ByteLength(value);
  if (bytes > LABEL_VALUE_MAX_LENGTH) {
    issues.push({
      go: maxLengthError(LABEL_VALUE_MAX_LENGTH),
      friendly: `it is ${bytes} bytes long, more than the ${LABEL_VALUE_MAX_LENGTH} allowed`,
    });
  }
  if (value.length > 0 && !isQualifiedNameShape(value)) {
    issues.push({
      go: regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'),
      friendly: "a value must be empty, or start and end with a letter or digit and contain only letters, digits, '-', '_' and '.'",
    });
  }
  return issues;
}

/** validation.IsQualifiedName (what label keys are validated with): Go's error texts, `[]` when valid. */
export function isQualifiedName(key: string): string[] {
  return qualifiedNameIssues(key).map((issue) => issue.go);
}

/** validation.IsValidLabelValue: Go's error texts, `[]` when valid. */
export function isValidLabelValue(value: string): string[] {
  return labelValueIssues(value).map((issue) => issue.go);
}

/** How Go joins the messages of one key or value into a field.Error detail. */
function goDetail(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => issue.go).join('; ');
}

function friendlyReasons(issues: readonly ValidationIssue[]): string {
  return issues
    .map((issue) => issue.friendly)
    .filter((text) => text !== '')
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// field.Error and error aggregation
// ---------------------------------------------------------------------------------------------

/** A Go `field.Error` of the two types label code produces. */
export interface FieldError {
  readonly type: 'FieldValueInvalid' | 'FieldValueNotSupported';
  /** The field path as Go prints it, e.g. `values[0][app]`, or `<nil>` for a nil path. */
  readonly field: string;
  /** The bad value: a string, or a string slice (`null` for a Go nil slice). */
  readonly badValue: string | readonly string[] | null;
  readonly detail: string;
  /** Whether `badValue` is a slice (a nil slice is `null`, which would otherwise be ambiguous). */
  readonly badValueIsSlice: boolean;
}

/** field.Error.Error(). */
function fieldErrorText(error: FieldError): string {
  const typeText = error.type === 'FieldValueInvalid' ? 'Invalid value' : 'Unsupported value';
  const value = error.badValueIsSlice
    ? goStringSliceLiteral(error.badValue as readonly string[] | null)
    : goQuote(error.badValue as string);
  const detail = error.detail.length > 0 ? ': ' + error.detail : '';
  return `${error.field}: ${typeText}: ${value}${detail}`;
}

/**
 * field.ErrorList.ToAggregate().Error(): duplicate messages dropped, one message printed as is,
 * several as "[e1, e2]".
 */
function aggregateText(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : '[' + unique.join(', ') + ']';
}

function invalidString(field: string, value: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, badValue: value, badValueIsSlice: false, detail };
}

function invalidSlice(field: string, values: readonly string[] | null, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, badValue: values, badValueIsSlice: true, detail };
}

// ---------------------------------------------------------------------------------------------
// Requirements
// ---------------------------------------------------------------------------------------------

/** selection.Operator: the operators a compiled requirement can have. */
export type SelectionOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

const SELECTION_OPERATORS: readonly SelectionOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt', 'exists', '!'];

/** One requirement of a compiled selector: key, operator and the values exactly as stored. */
export interface Requirement {
  readonly key: string;
  readonly operator: SelectionOperator;
  readonly values: readonly string[];
}

export type NewRequirementResult =
  | { readonly valid: true; readonly requirement: Requirement }
  | { readonly valid: false; readonly error: string; readonly errors: readonly FieldError[] };

/**
 * labels.NewRequirement. `values === null` is a Go nil slice, which prints differently from an empty
 * one in error messages (`[]string(nil)` against `[]string{}`).
 */
export function newRequirement(key: string, operator: string, values: readonly string[] | null): NewRequirementResult {
  const errors: FieldError[] = [];
  const keyIssues = qualifiedNameIssues(key);
  if (keyIssues.length > 0) {
    errors.push(invalidString('key', key, goDetail(keyIssues)));
  }
  const list = values ?? [];
  switch (operator) {
    case 'in':
    case 'notin':
      if (list.length === 0) {
        errors.push(invalidSlice('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (list.length !== 1) {
        errors.push(invalidSlice('values', values, 'exact-match compatibility requires one single value'));
      }
      break;
    case 'exists':
    case '!':
      if (list.length !== 0) {
        errors.push(invalidSlice('values', values, 'values set must be empty for exists and does not exist'));
      }
      break;
    case 'gt':
    case 'lt':
      if (list.length !== 1) {
        errors.push(invalidSlice('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      list.forEach((value, i) => {
        if (parseGoInt64(value) === null) {
          errors.push(invalidString(`values[${i}]`, value, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errors.push({
        type: 'FieldValueNotSupported',
        field: 'operator',
        badValue: operator,
        badValueIsSlice: false,
        detail: 'supported values: ' + SELECTION_OPERATORS.map(goQuote).join(', '),
      });
  }
  list.forEach((value, i) => {
    const issues = labelValueIssues(value);
    if (issues.length > 0) {
      errors.push(invalidString(`values[${i}][${key}]`, value, goDetail(issues)));
    }
  });
  if (errors.length > 0) {
    return { valid: false, error: aggregateText(errors.map(fieldErrorText)), errors };
  }
  return { valid: true, requirement: freezeRequirement(key, operator as SelectionOperator, list) };
}

function freezeRequirement(key: string, operator: SelectionOperator, values: readonly string[]): Requirement {
  return Object.freeze({ key, operator, values: Object.freeze([...values]) });
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits only, within int64; `null` when Go errs. */
function parseGoInt64(s: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const value = BigInt(s);
  return value < INT64_MIN || value > INT64_MAX ? null : value;
}

/** Requirement.String(). The values in the string are sorted, but duplicates are kept. */
function requirementString(requirement: { key: string; operator: string; values: readonly string[] }): string {
  const { key, operator, values } = requirement;
  let text = operator === '!' ? '!' + key : key;
  switch (operator) {
    case '=': text += '='; break;
    case '==': text += '=='; break;
    case '!=': text += '!='; break;
    case 'in': text += ' in '; break;
    case 'notin': text += ' notin '; break;
    case 'gt': text += '>'; break;
    case 'lt': text += '<'; break;
    case 'exists':
    case '!':
      return text;
  }
  const setBased = operator === 'in' || operator === 'notin';
  if (setBased) text += '(';
  text += values.length === 1 ? values[0] : sortedGoStrings(values).join(',');
  if (setBased) text += ')';
  return text;
}

// ---------------------------------------------------------------------------------------------
// Go's sort.Sort (pdqsort, Go 1.19), because requirement order above 12 elements depends on it
// ---------------------------------------------------------------------------------------------

/** bits.Len for a non-negative int below 2^31. */
function bitLength(n: number): number {
  return 32 - Math.clz32(n);
}

/**
 * A faithful port of Go 1.19's `sort.Sort` (pattern-defeating quicksort over Less/Swap), which is
 * not stable above 12 elements. `labels.Parse` and `Selector.Add` sort requirements with it, so
 * exact requirement order for long selectors needs exactly this algorithm.
 */
function goSort<T>(data: T[], less: (a: T, b: T) => boolean): void {
  const lessAt = (i: number, j: number): boolean => less(data[i], data[j]);
  const swap = (i: number, j: number): void => {
    const t = data[i];
    data[i] = data[j];
    data[j] = t;
  };
  const UNKNOWN_HINT = 0;
  const INCREASING_HINT = 1;
  const DECREASING_HINT = 2;

  const insertionSort = (a: number, b: number): void => {
    for (let i = a + 1; i < b; i++) {
      for (let j = i; j > a && lessAt(j, j - 1); j--) swap(j, j - 1);
    }
  };
  const siftDown = (lo: number, hi: number, first: number): void => {
    let root = lo;
    for (;;) {
      let child = 2 * root + 1;
      if (child >= hi) return;
      if (child + 1 < hi && lessAt(first + child, first + child + 1)) child++;
      if (!lessAt(first + root, first + child)) return;
      swap(first + root, first + child);
      root = child;
    }
  };
  const heapSort = (a: number, b: number): void => {
    const first = a;
    const hi = b - a;
    for (let i = Math.trunc((hi - 1) / 2); i >= 0; i--) siftDown(i, hi, first);
    for (let i = hi - 1; i >= 0; i--) {
      swap(first, first + i);
      siftDown(0, i, first);
    }
  };
  const breakPatterns = (a: number, b: number): void => {
    const length = b - a;
    if (length >= 8) {
      // Go's xorshift over a uint64 seeded with the length (Go 1.19 shift constants 13, 17, 5).
      const mask = (1n << 64n) - 1n;
      let random = BigInt(length);
      const next = (): bigint => {
        random ^= (random << 13n) & mask;
        random ^= random >> 17n;
        random ^= (random << 5n) & mask;
        return random;
      };
      const modulus = 2 ** bitLength(length);
      const start = a + Math.trunc(length / 4) * 2 - 1;
      for (let idx = start; idx <= start + 2; idx++) {
        let other = Number(next() & BigInt(modulus - 1));
        if (other >= length) other -= length;
        swap(idx, a + other);
      }
    }
  };
  const order2 = (a: number, b: number, swaps: { n: number }): [number, number] => {
    if (lessAt(b, a)) {
      swaps.n++;
      return [b, a];
    }
    return [a, b];
  };
  const median = (a: number, b: number, c: number, swaps: { n: number }): number => {
    [a, b] = order2(a, b, swaps);
    [b, c] = order2(b, c, swaps);
    [a, b] = order2(a, b, swaps);
    void c;
    return b;
  };
  const choosePivot = (a: number, b: number): [number, number] => {
    const l = b - a;
    const swaps = { n: 0 };
    let i = a + Math.trunc(l / 4) * 1;
    let j = a + Math.trunc(l / 4) * 2;
    let k = a + Math.trunc(l / 4) * 3;
    if (l >= 8) {
      if (l >= 50) {
        i = median(i - 1, i, i + 1, swaps);
        j = median(j - 1, j, j + 1, swaps);
        k = median(k - 1, k, k + 1, swaps);
      }
      j = median(i, j, k, swaps);
    }
    if (swaps.n === 0) return [j, INCREASING_HINT];
    if (swaps.n === 12) return [j, DECREASING_HINT];
    return [j, UNKNOWN_HINT];
  };
  const reverseRange = (a: number, b: number): void => {
    for (let i = a, j = b - 1; i < j; i++, j--) swap(i, j);
  };
  const partialInsertionSort = (a: number, b: number): boolean => {
    const maxSteps = 5;
    const shortestShifting = 50;
    let i = a + 1;
    for (let step = 0; step < maxSteps; step++) {
      while (i < b && !lessAt(i, i - 1)) i++;
      if (i === b) return true;
      if (b - a < shortestShifting) return false;
      swap(i, i - 1);
      if (i - a >= 2) {
        for (let j = i - 1; j >= 1; j--) {
          if (!lessAt(j, j - 1)) break;
          swap(j, j - 1);
        }
      }
      if (b - i >= 2) {
        for (let j = i + 1; j < b; j++) {
          if (!lessAt(j, j - 1)) break;
          swap(j, j - 1);
        }
      }
    }
    return false;
  };
  const partitionEqual = (a: number, b: number, pivot: number): number => {
    swap(a, pivot);
    let i = a + 1;
    let j = b - 1;
    for (;;) {
      while (i <= j && !lessAt(a, i)) i++;
      while (i <= j && lessAt(a, j)) j--;
      if (i > j) break;
      swap(i, j);
      i++;
      j--;
    }
    return i;
  };
  const partition = (a: number, b: number, pivot: number): [number, boolean] => {
    swap(a, pivot);
    let i = a + 1;
    let j = b - 1;
    while (i <= j && lessAt(i, a)) i++;
    while (i <= j && !lessAt(j, a)) j--;
    if (i > j) {
      swap(j, a);
      return [j, true];
    }
    swap(i, j);
    i++;
    j--;
    for (;;) {
      while (i <= j && lessAt(i, a)) i++;
      while (i <= j && !lessAt(j, a)) j--;
      if (i > j) break;
      swap(i, j);
      i++;
      j--;
    }
    swap(j, a);
    return [j, false];
  };
  const pdqsort = (a: number, b: number, limit: number): void => {
    const maxInsertion = 12;
    let wasBalanced = true;
    let wasPartitioned = true;
    for (;;) {
      const length = b - a;
      if (length <= maxInsertion) {
        insertionSort(a, b);
        return;
      }
      if (limit === 0) {
        heapSort(a, b);
        return;
      }
      if (!wasBalanced) {
        breakPatterns(a, b);
        limit--;
      }
      let [pivot, hint] = choosePivot(a, b);
      if (hint === DECREASING_HINT) {
        reverseRange(a, b);
        pivot = b - 1 - (pivot - a);
        hint = INCREASING_HINT;
      }
      if (wasBalanced && wasPartitioned && hint === INCREASING_HINT) {
        if (partialInsertionSort(a, b)) return;
      }
      if (a > 0 && !lessAt(a - 1, pivot)) {
        a = partitionEqual(a, b, pivot);
        continue;
      }
      const [mid, alreadyPartitioned] = partition(a, b, pivot);
      wasPartitioned = alreadyPartitioned;
      const leftLen = mid - a;
      const rightLen = b - mid;
      const balanceThreshold = Math.trunc(length / 8);
      if (leftLen < rightLen) {
        wasBalanced = leftLen >= balanceThreshold;
        pdqsort(a, mid, limit);
        a = mid + 1;
      } else {
        wasBalanced = rightLen >= balanceThreshold;
        pdqsort(mid + 1, b, limit);
        b = mid;
      }
    }
  };

  const n = data.length;
  if (n <= 1) return;
  pdqsort(0, n, bitLength(n));
}

/** sort.Sort(ByKey(requirements)) on a copy. */
function sortByKey<T extends { readonly key: string }>(requirements: readonly T[]): T[] {
  const sorted = [...requirements];
  goSort(sorted, (a, b) => compareGoStrings(a.key, b.key) < 0);
  return sorted;
}

// ---------------------------------------------------------------------------------------------
// Compiled selectors
// ---------------------------------------------------------------------------------------------

/** A compiled, immutable label selector. */
export interface Selector {
  /** The requirements in final order; `null` only for labels.Nothing() (a null LabelSelector). */
  readonly requirements: readonly Requirement[] | null;
  /** sel.Empty(): true when the selector does not restrict anything. */
  readonly empty: boolean;
  matches(labels: Labels): boolean;
  /** The canonical sel.String(), e.g. `env in (prod,staging),region=eu`. */
  toString(): string;
}

export type SelectorResult =
  | { readonly valid: true; readonly selector: Selector }
  | { readonly valid: false; readonly error: string; readonly errorOneOf?: readonly string[] };

/** How one requirement is tested at match time, chosen once at compile time. */
const enum Test {
  /** Key present with this one value (`=`, `==`, or `in` with a single value). */
  Equal,
  /** Key absent or with another value (`!=`, or `notin` with a single value). */
  NotEqual,
  In,
  NotIn,
  Present,
  Absent,
  GreaterThan,
  LessThan,
  /** Never matches: `in` without values, or an operator Go's Matches does not know. */
  Never,
}

/** Above this many values a Set is faster than scanning the list. */
const SET_THRESHOLD = 8;

/** labels.Nothing(): what a null LabelSelector converts to. */
class NothingSelector implements Selector {
  readonly requirements = null;
  readonly empty = false;
  matches(): boolean {
    return false;
  }
  toString(): string {
    return '';
  }
}

const hasOwnProperty = Object.prototype.hasOwnProperty;

/**
 * An internalSelector: requirements ANDed. Matching reads only precomputed parallel arrays and
 * allocates nothing. A label is present when the label set has it as an own property: that is what
 * a Go map lookup means, and it is also much faster than a plain property read, which for an absent
 * key walks the prototype chain on V8's slow megamorphic path (label sets come in many shapes).
 */
class RequirementsSelector implements Selector {
  readonly requirements: readonly Requirement[];
  readonly empty: boolean;
  private readonly keys: string[] = [];
  private readonly tests: Test[] = [];
  private readonly single: string[] = [];
  private readonly lists: (readonly string[])[] = [];
  private readonly sets: (ReadonlySet<string> | null)[] = [];
  private readonly bounds: (bigint | null)[] = [];
  private text: string | undefined;

  constructor(requirements: readonly Requirement[]) {
    this.requirements = Object.freeze(requirements);
    this.empty = requirements.length === 0;
    for (const requirement of requirements) this.compile(requirement);
  }

  private compile(requirement: Requirement): void {
    const { key, operator, values } = requirement;
    let test: Test;
    switch (operator) {
      case '=':
      case '==':
      case 'in':
        test = values.length === 0 ? Test.Never : values.length === 1 ? Test.Equal : Test.In;
        break;
      case '!=':
      case 'notin':
        // With no values nothing can be excluded, so the requirement always holds and is dropped.
        if (values.length === 0) return;
        test = values.length === 1 ? Test.NotEqual : Test.NotIn;
        break;
      case 'exists':
        test = Test.Present;
        break;
      case '!':
        test = Test.Absent;
        break;
      case 'gt':
      case 'lt':
        test = operator === 'gt' ? Test.GreaterThan : Test.LessThan;
        break;
      default:
        test = Test.Never;
    }
    const bound = (test === Test.GreaterThan || test === Test.LessThan) && values.length === 1 ? parseGoInt64(values[0]) : null;
    if ((test === Test.GreaterThan || test === Test.LessThan) && bound === null) test = Test.Never;
    this.keys.push(key);
    this.tests.push(test);
    this.single.push(values.length > 0 ? values[0] : '');
    this.lists.push(values);
    this.sets.push(values.length > SET_THRESHOLD ? new Set(values) : null);
    this.bounds.push(bound);
  }

  matches(labels: Labels): boolean {
    const keys = this.keys;
    const tests = this.tests;
    const record = labels as Readonly<Record<string, unknown>>;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      switch (tests[i]) {
        case Test.Equal:
          if (!hasOwnProperty.call(record, key) || record[key] !== this.single[i]) return false;
          break;
        case Test.NotEqual:
          if (hasOwnProperty.call(record, key) && record[key] === this.single[i]) return false;
          break;
        case Test.In:
          if (!hasOwnProperty.call(record, key) || !this.hasValue(i, record[key])) return false;
          break;
        case Test.NotIn:
          if (hasOwnProperty.call(record, key) && this.hasValue(i, record[key])) return false;
          break;
        case Test.Present:
          if (!hasOwnProperty.call(record, key)) return false;
          break;
        case Test.Absent:
          if (hasOwnProperty.call(record, key)) return false;
          break;
        case Test.GreaterThan:
        case Test.LessThan:
          if (!hasOwnProperty.call(record, key) || !this.compareInteger(i, record[key])) return false;
          break;
        default:
          return false;
      }
    }
    return true;
  }

  private hasValue(i: number, value: unknown): boolean {
    const set = this.sets[i];
    if (set !== null) return set.has(value as string);
    const list = this.lists[i];
    for (let j = 0; j < list.length; j++) if (list[j] === value) return true;
    return false;
  }

  private compareInteger(i: number, value: unknown): boolean {
    const labelValue = typeof value === 'string' ? parseGoInt64(value) : null;
    if (labelValue === null) return false;
    const bound = this.bounds[i] as bigint;
    return this.tests[i] === Test.GreaterThan ? labelValue > bound : labelValue < bound;
  }

  toString(): string {
    if (this.text === undefined) this.text = this.requirements.map(requirementString).join(',');
    return this.text;
  }
}

/** labels.Nothing(). */
const NOTHING: Selector = new NothingSelector();
/** labels.Everything(). */
const EVERYTHING: Selector = new RequirementsSelector([]);

/**
 * A selector built directly from requirements in the given order, without validation or sorting
 * (Go's `internalSelector{...}` literal). An operator outside selection.Operator, such as the `""` of
 * Go's zero Requirement, never matches and prints nothing.
 */
export function selectorFromRequirements(
  requirements: readonly { key: string; operator: string; values?: readonly string[] | null }[],
): Selector {
  return new RequirementsSelector(
    requirements.map((r) => freezeRequirement(r.key, r.operator as SelectionOperator, r.values ?? [])),
  );
}

/** Selector.Add: a new selector with the requirements appended, then sorted by key with Go's sort.Sort. */
export function addRequirements(selector: Selector, ...requirements: readonly Requirement[]): Selector {
  if (selector.requirements === null) return selector;
  return new RequirementsSelector(sortByKey([...selector.requirements, ...requirements]));
}

// ---------------------------------------------------------------------------------------------
// metav1.LabelSelector
// ---------------------------------------------------------------------------------------------

export interface LabelSelectorRequirementInput {
  key: string;
  operator: string;
  values?: readonly string[] | null;
}

export interface LabelSelectorInput {
  matchLabels?: Readonly<Record<string, string>> | null;
  matchExpressions?: readonly LabelSelectorRequirementInput[] | null;
}

/** metav1.LabelSelectorOperator -> selection.Operator. */
const LABEL_SELECTOR_OPERATORS: Readonly<Record<string, SelectionOperator>> = Object.freeze({
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
});

function labelSelectorOperator(operator: string): SelectionOperator | undefined {
  return Object.prototype.hasOwnProperty.call(LABEL_SELECTOR_OPERATORS, operator)
    ? LABEL_SELECTOR_OPERATORS[operator]
    : undefined;
}

function matchLabelEntries(input: LabelSelectorInput): [string, string][] {
  const matchLabels = input.matchLabels;
  if (matchLabels === null || matchLabels === undefined || typeof matchLabels !== 'object') return [];
  return Object.keys(matchLabels).map((key) => [key, asString(matchLabels[key])]);
}

function matchExpressionList(input: LabelSelectorInput): readonly (LabelSelectorRequirementInput | null)[] {
  const expressions = input.matchExpressions;
  return Array.isArray(expressions) ? expressions : [];
}

/** An expression's values as Go's `append([]string(nil), expr.Values...)`: nil when there are none. */
function expressionValues(expression: LabelSelectorRequirementInput | null): string[] | null {
  const values = expression?.values;
  return Array.isArray(values) && values.length > 0 ? values.map(asString) : null;
}

/**
 * metav1.LabelSelectorAsSelector. A null or undefined input is Go's nil pointer (labels.Nothing());
 * a null matchExpressions entry is Go's zero LabelSelectorRequirement (key "", operator "").
 *
 * Go converts matchLabels in random map order and stops at the first error, so with several invalid
 * entries the reported error varies between runs; we report the one of the bytewise-smallest key and
 * list every possibility in `errorOneOf`.
 */
export function labelSelectorAsSelector(input: LabelSelectorInput | null | undefined): SelectorResult {
  if (input === null || input === undefined) return { valid: true, selector: NOTHING };
  const labelEntries = matchLabelEntries(input).sort((a, b) => compareGoStrings(a[0], b[0]));
  const expressions = matchExpressionList(input);
  if (labelEntries.length + expressions.length === 0) return { valid: true, selector: EVERYTHING };

  const requirements: Requirement[] = [];
  const labelErrors: string[] = [];
  for (const [key, value] of labelEntries) {
    const result = newRequirement(key, '=', [value]);
    if (result.valid) requirements.push(result.requirement);
    else labelErrors.push(result.error);
  }
  if (labelErrors.length === 1) return { valid: false, error: labelErrors[0] };
  if (labelErrors.length > 1) return { valid: false, error: labelErrors[0], errorOneOf: labelErrors };

  for (const expression of expressions) {
    const operatorText = asString(expression?.operator);
    const operator = labelSelectorOperator(operatorText);
    if (operator === undefined) {
      return { valid: false, error: `${goQuote(operatorText)} is not a valid label selector operator` };
    }
    const result = newRequirement(asString(expression?.key), operator, expressionValues(expression));
    if (!result.valid) return { valid: false, error: result.error };
    requirements.push(result.requirement);
  }
  return { valid: true, selector: new RequirementsSelector(sortByKey(requirements)) };
}

/** metav1.LabelSelectorAsMap. The map is returned even with an error, as Go does. */
export function labelSelectorAsMap(
  input: LabelSelectorInput | null | undefined,
): { valid: boolean; error?: string; map: Record<string, string> | null } {
  if (input === null || input === undefined) return { valid: true, map: null };
  const map: Record<string, string> = {};
  for (const [key, value] of matchLabelEntries(input)) setOwn(map, key, value);
  for (const expression of matchExpressionList(input)) {
    const operator = asString(expression?.operator);
    switch (operator) {
      case 'In': {
        const values = expression?.values ?? [];
        if (values.length !== 1) {
          return {
            valid: false,
            error: `operator ${goQuote(operator)} without a single value cannot be converted into the old label selector format`,
            map,
          };
        }
        setOwn(map, asString(expression?.key), asString(values[0]));
        break;
      }
      case 'NotIn':
      case 'Exists':
      case 'DoesNotExist':
        return {
          valid: false,
          error: `operator ${goQuote(operator)} cannot be converted into the old label selector format`,
          map,
        };
      default:
        return { valid: false, error: `${goQuote(operator)} is not a valid selector operator`, map };
    }
  }
  return { valid: true, map };
}

// ---------------------------------------------------------------------------------------------
// Every problem of a LabelSelector, for the editor
// ---------------------------------------------------------------------------------------------

export type SelectorProblemKind =
  | 'operator'
  | 'key'
  | 'value'
  | 'values-required'
  | 'values-forbidden'
  | 'matchLabels-key'
  | 'matchLabels-value';

export interface SelectorProblem {
  kind: SelectorProblemKind;
  /**
   * Path inside the selector object, e.g. `['matchExpressions', 2, 'operator']`,
   * `['matchExpressions', 0, 'values', 1]`, or `['matchLabels', 'app']` (both for a bad key, which the
   * editor marks on the key, and for a bad value, kind `matchLabels-value`). A path may name a field
   * that is absent (`values` of an `In` without values, anything in a null expression); the editor
   * then marks the nearest node that exists.
   */
  path: readonly (string | number)[];
  /** A friendly message for a user, quoting the offending text. */
  message: string;
  /** Go's exact text for this problem. */
  goMessage: string;
}

/**
 * Operators people write by mistake, and the one they most likely meant. Case variants of the four
 * real operators are handled separately.
 */
const OPERATOR_SUGGESTIONS: Readonly<Record<string, string>> = Object.freeze({
  '=': 'In',
  '==': 'In',
  Equals: 'In',
  '!=': 'NotIn',
  NotEquals: 'NotIn',
  DoesNotExists: 'DoesNotExist',
  NotExists: 'DoesNotExist',
  Exist: 'Exists',
  '!': 'DoesNotExist',
});

function operatorProblemMessage(operator: string): string {
  const quoted = goQuote(operator);
  const caseVariant = Object.keys(LABEL_SELECTOR_OPERATORS).find((name) => name.toLowerCase() === operator.trim().toLowerCase());
  if (caseVariant !== undefined) {
    return `Operator ${quoted} is not valid: operators are case-sensitive and exact, did you mean "${caseVariant}"?`;
  }
  const suggestion = Object.prototype.hasOwnProperty.call(OPERATOR_SUGGESTIONS, operator)
    ? OPERATOR_SUGGESTIONS[operator]
    : undefined;
  if (suggestion !== undefined) {
    return `Operator ${quoted} is not valid: use In, NotIn, Exists or DoesNotExist (here probably "${suggestion}").`;
  }
  return `Operator ${quoted} is not valid: use In, NotIn, Exists or DoesNotExist.`;
}

/**
 * Every problem that makes `labelSelectorAsSelector(input)` fail, with where it is. Go stops at the
 * first; the editor wants all of them. The list is empty exactly when the selector is valid. An
 * expression with a bad operator still has its key and values checked, but not whether it needs
 * values, since that depends on the operator.
 */
export function selectorProblems(input: LabelSelectorInput | null | undefined): SelectorProblem[] {
  if (input === null || input === undefined) return [];
  const problems: SelectorProblem[] = [];
  for (const [key, value] of matchLabelEntries(input)) {
    const keyIssues = qualifiedNameIssues(key);
    if (keyIssues.length > 0) {
      problems.push({
        kind: 'matchLabels-key',
        path: ['matchLabels', key],
        message: `Invalid label key ${goQuote(key)} in matchLabels: ${friendlyReasons(keyIssues)}.`,
        goMessage: fieldErrorText(invalidString('key', key, goDetail(keyIssues))),
      });
    }
    const valueIssues = labelValueIssues(value);
    if (valueIssues.length > 0) {
      problems.push({
        kind: 'matchLabels-value',
        path: ['matchLabels', key],
        message: `Invalid label value ${goQuote(value)} for key ${goQuote(key)} in matchLabels: ${friendlyReasons(valueIssues)}.`,
        goMessage: fieldErrorText(invalidString(`values[0][${key}]`, value, goDetail(valueIssues))),
      });
    }
  }
  matchExpressionList(input).forEach((expression, index) => {
    const at = ['matchExpressions', index] as const;
    const operatorText = asString(expression?.operator);
    const key = asString(expression?.key);
    const values = expressionValues(expression);
    const operator = labelSelectorOperator(operatorText);
    if (operator === undefined) {
      problems.push({
        kind: 'operator',
        path: [...at, 'operator'],
        message: operatorProblemMessage(operatorText),
        goMessage: `${goQuote(operatorText)} is not a valid label selector operator`,
      });
    }
    const keyIssues = qualifiedNameIssues(key);
    if (keyIssues.length > 0) {
      problems.push({
        kind: 'key',
        path: [...at, 'key'],
        message: `Invalid label key ${goQuote(key)}: ${friendlyReasons(keyIssues)}.`,
        goMessage: fieldErrorText(invalidString('key', key, goDetail(keyIssues))),
      });
    }
    if ((operator === 'in' || operator === 'notin') && values === null) {
      problems.push({
        kind: 'values-required',
        path: [...at, 'values'],
        message: `Operator ${operatorText} needs at least one value in "values".`,
        goMessage: fieldErrorText(invalidSlice('values', null, "for 'in', 'notin' operators, values set can't be empty")),
      });
    }
    if ((operator === 'exists' || operator === '!') && values !== null) {
      problems.push({
        kind: 'values-forbidden',
        path: [...at, 'values'],
        message: `Operator ${operatorText} takes no values, but "values" has ${values.length}: remove it.`,
        goMessage: fieldErrorText(invalidSlice('values', values, 'values set must be empty for exists and does not exist')),
      });
    }
    (values ?? []).forEach((value, valueIndex) => {
      const issues = labelValueIssues(value);
      if (issues.length > 0) {
        problems.push({
          kind: 'value',
          path: [...at, 'values', valueIndex],
          message: `Invalid label value ${goQuote(value)}: ${friendlyReasons(issues)}.`,
          goMessage: fieldErrorText(
            invalidString(`values[${valueIndex}][${key}]`, value, goDetail(issues)),
          ),
        });
      }
    });
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// labels.Parse (the kubectl -l syntax)
// ---------------------------------------------------------------------------------------------

const enum Token {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const LITERAL_TOKENS: ReadonlyMap<string, Token> = new Map([
  [')', Token.ClosedPar],
  [',', Token.Comma],
  ['!', Token.DoesNotExist],
  ['==', Token.DoubleEquals],
  ['=', Token.Equals],
  ['>', Token.GreaterThan],
  ['in', Token.In],
  ['<', Token.LessThan],
  ['!=', Token.NotEquals],
  ['notin', Token.NotIn],
  ['(', Token.OpenPar],
]);

/** The binary operators in the order Go lists them in "expected: ..." errors. */
const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

interface ScannedItem {
  readonly token: Token;
  readonly literal: string;
}

function isWhitespace(unit: number): boolean {
  return unit === 0x20 || unit === 0x09 || unit === 0x0d || unit === 0x0a;
}

function isSpecialSymbol(unit: number): boolean {
  switch (unit) {
    case 0x3d: // =
    case 0x21: // !
    case 0x28: // (
    case 0x29: // )
    case 0x2c: // ,
    case 0x3e: // >
    case 0x3c: // <
      return true;
  }
  return false;
}

/**
 * The Go lexer, byte for byte. `read` returns 0 both at the end and for a NUL byte (consuming it),
 * which is where the NUL quirks come from: a NUL where a token starts ends the input, while one
 * inside an identifier or an operator just ends that token.
 */
class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  private read(): number {
    if (this.pos < this.s.length) return this.s.charCodeAt(this.pos++);
    return 0;
  }

  private unread(): void {
    this.pos--;
  }

  private scanIdOrKeyword(): ScannedItem {
    let buffer = '';
    for (;;) {
      const unit = this.read();
      if (unit === 0) break;
      if (isSpecialSymbol(unit) || isWhitespace(unit)) {
        this.unread();
        break;
      }
      buffer += String.fromCharCode(unit);
    }
    const token = LITERAL_TOKENS.get(buffer);
    return token !== undefined ? { token, literal: buffer } : { token: Token.Identifier, literal: buffer };
  }

  private scanSpecialSymbol(): ScannedItem {
    let last: ScannedItem | null = null;
    let buffer = '';
    for (;;) {
      const unit = this.read();
      if (unit === 0) break;
      if (!isSpecialSymbol(unit)) {
        this.unread();
        break;
      }
      buffer += String.fromCharCode(unit);
      const token = LITERAL_TOKENS.get(buffer);
      if (token !== undefined) {
        last = { token, literal: buffer };
      } else if (last !== null) {
        this.unread();
        break;
      }
    }
    return last ?? { token: Token.Error, literal: `error expected: keyword found '${buffer}'` };
  }

  lex(): ScannedItem {
    let unit = this.read();
    while (isWhitespace(unit)) unit = this.read();
    if (unit === 0) return { token: Token.EndOfString, literal: '' };
    this.unread();
    return isSpecialSymbol(unit) ? this.scanSpecialSymbol() : this.scanIdOrKeyword();
  }
}

/** Inside values, `in` and `notin` are plain identifiers ("a in (in)" is fine). */
const enum ParserContext {
  KeyAndOperator,
  Values,
}

class ParseError extends Error {}

/** The Go parser: a recursive descent over the scanned items, with Go's error texts. */
class Parser {
  private readonly items: ScannedItem[] = [];
  private position = 0;

  constructor(input: string) {
    const lexer = new Lexer(input);
    for (;;) {
      const item = lexer.lex();
      this.items.push(item);
      if (item.token === Token.EndOfString) break;
    }
  }

  private lookahead(context: ParserContext): ScannedItem {
    return this.inContext(this.items[this.position], context);
  }

  private consume(context: ParserContext): ScannedItem {
    return this.inContext(this.items[this.position++], context);
  }

  private inContext(item: ScannedItem, context: ParserContext): ScannedItem {
    if (context === ParserContext.Values && (item.token === Token.In || item.token === Token.NotIn)) {
      return { token: Token.Identifier, literal: item.literal };
    }
    return item;
  }

  /** Parser.parse: the requirements in input order, or throws a ParseError with Go's message. */
  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead(ParserContext.Values);
      switch (token) {
        case Token.Identifier:
        case Token.DoesNotExist: {
          requirements.push(this.parseRequirement());
          const next = this.consume(ParserContext.Values);
          if (next.token === Token.EndOfString) return requirements;
          if (next.token === Token.Comma) {
            const after = this.lookahead(ParserContext.Values);
            if (after.token !== Token.Identifier && after.token !== Token.DoesNotExist) {
              throw new ParseError(`found '${after.literal}', expected: identifier after ','`);
            }
            break;
          }
          throw new ParseError(`found '${next.literal}', expected: ',' or 'end of string'`);
        }
        case Token.EndOfString:
          return requirements;
        default:
          throw new ParseError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  /** Errors inside one requirement carry Go's "unable to parse requirement: " prefix. */
  private parseRequirement(): Requirement {
    try {
      return this.parseRequirementBody();
    } catch (error) {
      if (error instanceof ParseError) throw new ParseError(`unable to parse requirement: ${error.message}`);
      throw error;
    }
  }

  private parseRequirementBody(): Requirement {
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return this.newRequirement(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return this.newRequirement(key, operator, sortedGoStrings([...values]));
  }

  private newRequirement(key: string, operator: SelectionOperator, values: string[]): Requirement {
    const result = newRequirement(key, operator, values);
    if (!result.valid) throw new ParseError(result.error);
    return result.requirement;
  }

  private parseKeyAndInferOperator(): { key: string; operator: SelectionOperator | null } {
    let operator: SelectionOperator | null = null;
    let item = this.consume(ParserContext.Values);
    if (item.token === Token.DoesNotExist) {
      operator = '!';
      item = this.consume(ParserContext.Values);
    }
    if (item.token !== Token.Identifier) throw new ParseError(`found '${item.literal}', expected: identifier`);
    const keyIssues = qualifiedNameIssues(item.literal);
    if (keyIssues.length > 0) {
      // The parser validates the key with a nil field path, which Go prints as "<nil>".
      throw new ParseError(fieldErrorText(invalidString('<nil>', item.literal, goDetail(keyIssues))));
    }
    const next = this.lookahead(ParserContext.Values).token;
    if ((next === Token.EndOfString || next === Token.Comma) && operator !== '!') operator = 'exists';
    return { key: item.literal, operator };
  }

  private parseOperator(): SelectionOperator {
    const { token, literal } = this.consume(ParserContext.KeyAndOperator);
    switch (token) {
      case Token.In: return 'in';
      case Token.Equals: return '=';
      case Token.DoubleEquals: return '==';
      case Token.GreaterThan: return 'gt';
      case Token.LessThan: return 'lt';
      case Token.NotIn: return 'notin';
      case Token.NotEquals: return '!=';
      default:
        throw new ParseError(`found '${literal}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume(ParserContext.Values);
    if (open.token !== Token.OpenPar) throw new ParseError(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.lookahead(ParserContext.Values);
    switch (token) {
      case Token.Identifier:
      case Token.Comma: {
        const values = this.parseIdentifiersList();
        // parseIdentifiersList only returns in front of ')', so this consume always succeeds.
        if (this.consume(ParserContext.Values).token !== Token.ClosedPar) {
          throw new ParseError(`found '${literal}', expected: ')'`);
        }
        return values;
      }
      case Token.ClosedPar:
        this.consume(ParserContext.Values);
        return new Set(['']);
      default:
        throw new ParseError(`found '${literal}', expected: ',', ')' or identifier`);
    }
  }

  /**
   * parseIdentifiersList as in v0.32.13, including its ",," quirk: after a comma that is followed by
   * another comma, that second comma is consumed too, so "(a,,)" fails while "(a,,,)" parses.
   */
  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { token, literal } = this.consume(ParserContext.Values);
      switch (token) {
        case Token.Identifier: {
          values.add(literal);
          const next = this.lookahead(ParserContext.Values);
          if (next.token === Token.Comma) continue;
          if (next.token === Token.ClosedPar) return values;
          throw new ParseError(`found '${next.literal}', expected: ',' or ')'`);
        }
        case Token.Comma: {
          if (values.size === 0) values.add('');
          const next = this.lookahead(ParserContext.Values).token;
          if (next === Token.ClosedPar) {
            values.add('');
            return values;
          }
          if (next === Token.Comma) {
            this.consume(ParserContext.Values);
            values.add('');
          }
          break;
        }
        default:
          throw new ParseError(`found '${literal}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead(ParserContext.Values).token;
    if (next === Token.EndOfString || next === Token.Comma) return new Set(['']);
    const { token, literal } = this.consume(ParserContext.Values);
    if (token === Token.Identifier) return new Set([literal]);
    throw new ParseError(`found '${literal}', expected: identifier`);
  }
}

/** labels.ParseToRequirements: sorted requirements, or Go's error text. */
function parseToRequirements(input: string): { requirements: Requirement[] } | { error: string } {
  try {
    return { requirements: sortByKey(new Parser(input).parse()) };
  } catch (error) {
    if (error instanceof ParseError) return { error: error.message };
    throw error;
  }
}

/** labels.Parse: the kubectl `-l` / `--selector` syntax. */
export function parseSelector(input: string): SelectorResult {
  const parsed = parseToRequirements(input);
  if ('error' in parsed) return { valid: false, error: parsed.error };
  return { valid: true, selector: new RequirementsSelector(parsed.requirements) };
}

/** The metav1 name of each selection.Operator that a LabelSelector can express. */
const LABEL_SELECTOR_OPERATOR_NAMES: Partial<Record<SelectionOperator, string>> = {
  in: 'In',
  notin: 'NotIn',
  exists: 'Exists',
  '!': 'DoesNotExist',
};

/** metav1.ParseToLabelSelector: parse, then convert to matchLabels / matchExpressions. */
export function parseToLabelSelector(
  input: string,
):
  | {
      valid: true;
      matchLabels: Record<string, string>;
      matchExpressions: { key: string; operator: string; values: string[] }[];
    }
  | { valid: false; error: string } {
  const parsed = parseToRequirements(input);
  if ('error' in parsed) {
    return { valid: false, error: `couldn't parse the selector string "${input}": ${parsed.error}` };
  }
  const matchLabels: Record<string, string> = {};
  const matchExpressions: { key: string; operator: string; values: string[] }[] = [];
  for (const requirement of parsed.requirements) {
    const { key, operator, values } = requirement;
    if (operator === '=' || operator === '==') {
      // A repeated key keeps the last value, as Go's map assignment does.
      setOwn(matchLabels, key, values[0]);
      continue;
    }
    if (operator === 'gt' || operator === 'lt') {
      return { valid: false, error: `${goQuote(operator)} isn't supported in label selectors` };
    }
    const name = LABEL_SELECTOR_OPERATOR_NAMES[operator];
    if (name === undefined) return { valid: false, error: `${goQuote(operator)} is not a valid label selector operator` };
    // Requirement.Values() is a set: sorted and without duplicates.
    matchExpressions.push({ key, operator: name, values: sortedGoStrings([...new Set(values)]) });
  }
  return { valid: true, matchLabels, matchExpressions };
}
