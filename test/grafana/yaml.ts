// A small reader for the block-style YAML our provisioning files use: nested
// mappings and sequences, plain/quoted scalars, `|` and `|-` blocks, full-line
// comments. Not a general YAML parser (no anchors, flow mappings, multi-docs);
// it throws on what it does not understand, with the line number.
export function parseYaml(text: string): unknown {
  const lines = text.split(/\r?\n/);
  let i = 0;
  const indentOf = (s: string) => s.length - s.trimStart().length;
  const skippable = (s: string) => s.trim() === '' || s.trimStart().startsWith('#');
  const skip = () => {
    while (i < lines.length && skippable(lines[i]!)) i++;
  };
  const fail = (msg: string): never => {
    throw new Error(`yaml line ${i + 1}: ${msg}: ${JSON.stringify(lines[i])}`);
  };

  function scalar(v: string): unknown {
    if (v.startsWith('"')) return JSON.parse(v);
    if (v.startsWith("'")) {
      if (!v.endsWith("'") || v.length < 2) fail('unterminated quote');
      return v.slice(1, -1).replaceAll("''", "'");
    }
    const s = v.replace(/\s+#.*$/, '');
    if (s === '[]') return [];
    if (s === '{}') return {};
    if (s.startsWith('[') && s.endsWith(']')) return s.slice(1, -1).split(',').map((x) => scalar(x.trim()));
    if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) return Number(s);
    if (s === 'true' || s === 'false') return s === 'true';
    if (s === 'null' || s === '~') return null;
    return s;
  }

  function block(parentIndent: number, keepNewline: boolean): string {
    const body: string[] = [];
    while (i < lines.length && (lines[i]!.trim() === '' || indentOf(lines[i]!) > parentIndent)) body.push(lines[i++]!);
    while (body.length && body[body.length - 1]!.trim() === '') body.pop();
    const cut = Math.min(...body.filter((l) => l.trim()).map(indentOf));
    return body.map((l) => l.slice(cut)).join('\n') + (keepNewline ? '\n' : '');
  }

  function value(indent: number): unknown {
    skip();
    if (i >= lines.length || indentOf(lines[i]!) < indent) return null;
    const t = lines[i]!.trimStart();
    return t === '-' || t.startsWith('- ') ? sequence(indentOf(lines[i]!)) : mapping(indentOf(lines[i]!));
  }

  function sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (skip(); i < lines.length && indentOf(lines[i]!) === indent && /^-( |$)/.test(lines[i]!.trimStart()); skip()) {
      const rest = lines[i]!.trimStart().slice(1);
      if (rest.trim() === '') {
        i++;
        out.push(value(indent + 1));
        continue;
      }
      const col = indent + 1 + indentOf(rest);
      if (/^[^'"][^:]*:( |$)|^("[^"]*"|'[^']*'):( |$)/.test(rest.trim())) {
        lines[i] = ' '.repeat(col) + rest.trim();
        out.push(mapping(col));
      } else {
        i++;
        out.push(scalar(rest.trim()));
      }
    }
    return out;
  }

  function mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (skip(); i < lines.length; skip()) {
      const line = lines[i]!;
      if (indentOf(line) < indent) break;
      if (indentOf(line) > indent) fail('unexpected indentation');
      const t = line.trim();
      if (t.startsWith('- ')) break;
      const m = /^("[^"]*"|'[^']*'|[^'"][^:]*?):(?:\s+(.*))?$/.exec(t) ?? fail('expected "key: value"');
      const key = String(scalar(m[1]!));
      const v = (m[2] ?? '').trim();
      i++;
      if (key in out) fail(`duplicate key ${key}`);
      if (v === '|' || v === '|-') out[key] = block(indent, v === '|');
      else if (v !== '' && !v.startsWith('#')) out[key] = scalar(v);
      else {
        skip();
        const next = lines[i];
        out[key] = next !== undefined && indentOf(next) === indent && /^-( |$)/.test(next.trimStart()) ? sequence(indent) : value(indent + 1);
      }
    }
    return out;
  }

  const doc = value(0);
  skip();
  if (i < lines.length) fail('unexpected content');
  return doc;
}
