// Charts for the docs: Vega-Lite specs rendered to SVG by Vega (no browser) and to PNG by resvg, plus the two chart shapes the docs use.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A Vega-Lite spec as PNG bytes, on white, with the system's DejaVu Sans (Debian's fonts-dejavu-core). */
export async function renderPng(spec: TopLevelSpec, scale = 1.5): Promise<Buffer> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white', fitTo: { mode: 'zoom', value: scale } }).render().asPng();
  return Buffer.from(png);
}

export interface BarRow {
  readonly group: string;
  readonly series: string;
  readonly value: number;
}

/** Grouped bars: one group per test, one bar per server (ops/s side by side). */
export function groupedBars(title: string, rows: readonly BarRow[], yTitle: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: { step: 56 },
    height: 260,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'group', type: 'nominal', title: null, sort: null, axis: { labelAngle: -30 } },
      xOffset: { field: 'series', type: 'nominal', sort: null },
      y: { field: 'value', type: 'quantitative', title: yTitle },
      color: { field: 'series', type: 'nominal', title: null, sort: null, legend: { orient: 'top' } },
    },
  };
}

export interface Point {
  readonly panel: string;
  readonly series: string;
  /** Seconds since the window started. */
  readonly t: number;
  readonly value: number;
}

/** Small multiples: one line chart per panel title, `columns` wide, each with its own y scale. */
export function panelGrid(title: string, points: readonly Point[], columns: number): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: points.map((p) => ({ ...p })) },
    facet: { field: 'panel', type: 'nominal', title: null, sort: null, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
    columns,
    resolve: { scale: { y: 'independent', color: 'independent' } },
    spec: {
      width: 300,
      height: 140,
      mark: { type: 'line', interpolate: 'monotone' },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 3, labelLimit: 140 } },
      },
    },
  };
}
