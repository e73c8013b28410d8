// The HTTP API reference in docs/http-api.md, rendered from the app's own OpenAPI document (pure: spec in, markdown out).

interface Schema {
  type?: string | string[];
  description?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDoc {
  info?: { title?: string; version?: string };
  paths: Record<string, Record<string, Operation>>;
}

export const BEGIN = '<!-- openapi:begin (generated from the OpenAPI document by internal/http/openapi-doc.ts; RINGCACHE_WRITE_DOCS=1 npx vitest run internal/http/openapi-doc.test.ts) -->';
export const END = '<!-- openapi:end -->';

const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

/** A schema in a few words: `string`, `integer 1-1000`, `array of string (1-1000 items)`, `one of: a, b`. */
export function typeText(s: Schema | undefined): string {
  if (s === undefined) return 'any';
  const alts = s.anyOf ?? s.oneOf;
  if (alts !== undefined) return alts.map(typeText).join(' or ');
  if (s.enum !== undefined) return `one of: ${s.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  const t = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  if (t === 'array') {
    const n = s.minItems !== undefined || s.maxItems !== undefined ? ` (${s.minItems ?? 0}-${s.maxItems ?? 'any'} items)` : '';
    return `array of ${typeText(s.items)}${n}`;
  }
  const lo = s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : s.minimum !== undefined ? `>= ${s.minimum}` : '';
  const hi = s.maximum !== undefined ? `<= ${s.maximum}` : '';
  const bounds = [lo, hi].filter((x) => x !== '').join(', ');
  return bounds === '' ? t : `${t} (${bounds})`;
}

function fieldsTable(schema: Schema): string[] {
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) return [];
  const required = new Set(schema.required ?? []);
  const out = ['| field | type | required | meaning |', '|---|---|---|---|'];
  for (const [name, p] of props) out.push(`| \`${name}\` | ${esc(typeText(p))} | ${required.has(name) ? 'yes' : ''} | ${esc(p.description ?? '')} |`);
  return out;
}

/** The reference section: one table of every route, then each route's parameters, body fields and statuses. */
export function openapiMarkdown(doc: OpenApiDoc): string {
  const ops: [string, string, Operation][] = [];
  for (const [p, byMethod] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(byMethod)) ops.push([m.toUpperCase(), p, op]);
  }
  const out: string[] = [BEGIN, '', '## Reference (from the OpenAPI document)', ''];
  out.push(`Every route the node serves, as its OpenAPI document (\`GET /docs/json\`, browsable at \`/docs\`) describes it.`, '');
  out.push('| method | path | what |', '|---|---|---|');
  for (const [m, p, op] of ops) out.push(`| ${m} | \`${p}\` | ${esc(op.summary ?? '')} |`);
  for (const [m, p, op] of ops) {
    out.push('', `### ${m} \`${p}\``, '');
    if (op.summary !== undefined) out.push(op.summary, '');
    const params = op.parameters ?? [];
    if (params.length > 0) {
      out.push('| parameter | in | type | meaning |', '|---|---|---|---|');
      for (const q of params) out.push(`| \`${q.name}\` | ${q.in} | ${esc(typeText(q.schema))} | ${esc(q.description ?? '')} |`);
      out.push('');
    }
    for (const [ctype, body] of Object.entries(op.requestBody?.content ?? {})) {
      const rows = body.schema === undefined ? [] : fieldsTable(body.schema);
      out.push(`Body (\`${ctype}\`)${rows.length === 0 ? `: ${typeText(body.schema)}` : ':'}`, '');
      for (const r of rows) out.push(r);
      if (rows.length > 0) out.push('');
    }
    const statuses = Object.entries(op.responses ?? {});
    if (statuses.length > 0) out.push(`Responses: ${statuses.map(([code, r]) => `${code}${r.description !== undefined && r.description !== 'Default Response' ? ` (${esc(r.description)})` : ''}`).join('; ')}.`);
  }
  out.push('', END, '');
  return out.join('\n');
}

/** `doc` with its generated section replaced by `section` (appended when the markers are missing). */
export function withReference(doc: string, section: string): string {
  const a = doc.indexOf(BEGIN.slice(0, 22));
  const b = doc.indexOf(END);
  if (a < 0 || b < 0) return doc.trimEnd() + '\n\n' + section;
  return doc.slice(0, a) + section + doc.slice(b + END.length + 1);
}
