// docs/http-api.md's reference section is the app's own OpenAPI document rendered, and up to date.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../testing/harness.js';
import { testHttpApp } from '../testing/http-app.js';
import { openapiMarkdown, typeText, withReference, type OpenApiDoc } from './openapi-doc.js';

const DOC = path.join(REPO_ROOT, 'docs/http-api.md');

describe('the HTTP API reference', () => {
  it('describes schemas in a few words', () => {
    expect(typeText({ type: 'string' })).toBe('string');
    expect(typeText({ type: 'number', exclusiveMinimum: 0, maximum: 10 })).toBe('number (> 0, <= 10)');
    expect(typeText({ type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 100 })).toBe('array of string (1-100 items)');
    expect(typeText({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toBe('string or number');
    expect(typeText({ enum: ['bloom', 'cuckoo'] })).toBe('one of: `bloom`, `cuckoo`');
    expect(typeText(undefined)).toBe('any');
  });

  it('replaces only its own section of the doc', () => {
    const spec: OpenApiDoc = { paths: { '/x': { get: { summary: 'X', responses: { '200': { description: 'ok' } } } } } };
    const section = openapiMarkdown(spec);
    const first = withReference('# Title\n\nintro\n', section);
    expect(first).toContain('| GET | `/x` | X |');
    const again = withReference(first + 'after\n', openapiMarkdown({ paths: { '/y': { put: { summary: 'Y' } } } }));
    expect(again).toContain('| PUT | `/y` | Y |');
    expect(again).not.toContain('`/x`');
    expect(again.startsWith('# Title\n\nintro\n')).toBe(true);
    expect(again.endsWith('after\n')).toBe(true);
  });

  it('in docs/http-api.md is the generated text for every route (RINGCACHE_WRITE_DOCS=1 rewrites it)', async () => {
    const { app } = testHttpApp();
    await app.ready();
    const spec = app.swagger() as unknown as OpenApiDoc;
    await app.close();
    const want = withReference(readFileSync(DOC, 'utf8'), openapiMarkdown(spec));
    for (const [p, ops] of Object.entries(spec.paths)) for (const m of Object.keys(ops)) expect(want).toContain(`### ${m.toUpperCase()} \`${p}\``);
    if (process.env['RINGCACHE_WRITE_DOCS'] === '1') writeFileSync(DOC, want);
    expect(readFileSync(DOC, 'utf8')).toBe(want);
  });
});
