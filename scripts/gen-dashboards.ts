// Writes grafana/dashboards/*.json from scripts/grafana/dashboards.ts (npm run dashboards).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, renderDashboard } from './grafana/dashboards.js';

/** The repo root: two levels up from dist/scripts, one from scripts. */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');

export function dashboardFiles(): [string, string][] {
  return DASHBOARDS.map((d) => [`${d.uid.replace(/^ringcache-/, '')}.json`, `${JSON.stringify(renderDashboard(d), null, 2)}\n`]);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [name, text] of dashboardFiles()) {
    writeFileSync(path.join(root, 'grafana/dashboards', name), text);
    console.log(`wrote grafana/dashboards/${name}`);
  }
}
