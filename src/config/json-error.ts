/**
 * Where and why a text is not JSON, in one line: V8's own messages quote the source (several
 * lines of a pretty-printed file, or all of a 10 MB one) and sometimes give no position. This
 * walks the text by JSON's grammar, without recursion, to the first character that breaks it.
 */
export function jsonErrorAt(text: string): { line: number; column: number; reason: string } {
  const { offset, reason } = firstError(text);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  return { line, column: offset - lineStart + 1, reason };
}

const ws = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const show = (c: string) => (c >= ' ' && c <= '~' ? `'${c}'` : `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);

function unexpected(text: string, i: number, expected: string): { offset: number; reason: string } {
  if (i >= text.length) return { offset: i, reason: `the text ends where ${expected} should come` };
  const c = text[i];
  if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) return { offset: i, reason: 'comments are not allowed in JSON' };
  if (text.startsWith('NaN', i) || text.startsWith('Infinity', i) || text.startsWith('-Infinity', i)) return { offset: i, reason: 'NaN and Infinity are not JSON numbers' };
  if (c === "'") return { offset: i, reason: 'strings take double quotes in JSON' };
  if (c === '\uFEFF') return { offset: i, reason: 'a byte order mark inside the text' };
  return { offset: i, reason: `unexpected ${show(c)} where ${expected} should come` };
}

function firstError(text: string): { offset: number; reason: string } {
  // The open objects and arrays, innermost last; `expect` says what may come next.
  const stack: ('{' | '[')[] = [];
  let i = 0;
  const skip = () => {
    while (i < text.length && ws(text[i])) i++;
  };
  let expect: 'value' | 'firstKey' | 'key' | 'colon' | 'after' | 'firstValue' = 'value';
  for (;;) {
    skip();
    const c = text[i];
    if (expect === 'value' || expect === 'firstValue') {
      if (expect === 'firstValue' && c === ']') {
        stack.pop();
        i++;
        expect = 'after';
        continue;
      }
      if (c === '{') {
        stack.push('{');
        i++;
        expect = 'firstKey';
        continue;
      }
      if (c === '[') {
        stack.push('[');
        i++;
        expect = 'firstValue';
        continue;
      }
      if (c === '"') {
        const e = stringEnd(text, i);
        if (typeof e !== 'number') return e;
        i = e;
      } else if (c === '-' || (c >= '0' && c <= '9')) {
        const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (m === null || m[0] === '-') return unexpected(text, i, 'a value');
        i += m[0].length;
      } else if (text.startsWith('true', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else if (text.startsWith('null', i)) i += 4;
      else return unexpected(text, i, stack.length === 0 && i === 0 ? 'a JSON value' : 'a value');
      expect = 'after';
      continue;
    }
    if (expect === 'firstKey' || expect === 'key') {
      if (expect === 'firstKey' && c === '}') {
        stack.pop();
        i++;
        expect = 'after';
        continue;
      }
      if (c !== '"') return unexpected(text, i, 'a "quoted" field name');
      const e = stringEnd(text, i);
      if (typeof e !== 'number') return e;
      i = e;
      expect = 'colon';
      continue;
    }
    if (expect === 'colon') {
      if (c !== ':') return unexpected(text, i, "':'");
      i++;
      expect = 'value';
      continue;
    }
    // after a value
    const top = stack.at(-1);
    if (top === undefined) {
      if (i < text.length) return { offset: i, reason: `${show(text[i])} after the end of the JSON value` };
      return { offset: i, reason: 'not JSON' };
    }
    if (c === ',') {
      i++;
      skip();
      if (text[i] === (top === '{' ? '}' : ']')) return { offset: i, reason: 'a trailing comma is not allowed in JSON' };
      expect = top === '{' ? 'key' : 'value';
      continue;
    }
    if (c === (top === '{' ? '}' : ']')) {
      stack.pop();
      i++;
      expect = 'after';
      continue;
    }
    return unexpected(text, i, top === '{' ? "',' or '}'" : "',' or ']'");
  }
}

/** The offset after the string starting at `i`, or why it is broken. */
function stringEnd(text: string, i: number): number | { offset: number; reason: string } {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '"') return j + 1;
    if (c === '\\') {
      const n = text[j + 1];
      if (n === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return { offset: j, reason: 'a bad \\u escape in a string' };
        j += 5;
      } else if (n !== undefined && '"\\/bfnrt'.includes(n)) j++;
      else return { offset: j, reason: 'a bad escape in a string' };
    } else if (c < ' ') return { offset: j, reason: c === '\n' ? 'a string runs past the end of its line' : 'a control character inside a string' };
  }
  return { offset: text.length, reason: 'a string is not closed' };
}
