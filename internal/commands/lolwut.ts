// LOLWUT's computer art: a Schotter-like grid of tumbling squares (braille dots) and a city skyline (ANSI colour blocks).
//
// Redis 7.0 answers plain LOLWUT with its version line only; `LOLWUT VERSION 5` and `VERSION 6`
// draw art with these arguments and limits and end with the same credit lines as redis-server.
// The drawings are ringcache's own: random, like Redis's, so no two answers are the same.

/** A 1-bit canvas. */
class Canvas {
  readonly px: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.px = new Uint8Array(width * height);
  }

  set(x: number, y: number, v = 1): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    this.px[yi * this.width + xi] = v;
  }

  get(x: number, y: number): number {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return 0;
    return this.px[y * this.width + x] as number;
  }

  /** A straight line, one dot per step along the longer axis. */
  line(x0: number, y0: number, x1: number, y1: number): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let i = 0; i <= steps; i++) this.set(x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps);
  }
}

/** Braille cells: 2 x 4 dots per character; bit of each dot in the U+2800 block. */
const BRAILLE_BITS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
] as const;

function renderBraille(c: Canvas): string {
  const lines: string[] = [];
  for (let y = 0; y < c.height; y += 4) {
    let row = '';
    for (let x = 0; x < c.width; x += 2) {
      let bits = 0;
      for (let dy = 0; dy < 4; dy++) {
        const pair = BRAILLE_BITS[dy] as readonly [number, number];
        if (c.get(x, y + dy)) bits |= pair[0];
        if (c.get(x + 1, y + dy)) bits |= pair[1];
      }
      row += String.fromCharCode(0x2800 + bits);
    }
    lines.push(row);
  }
  return lines.join('\n');
}

/** Redis replies are bytes: the UTF-8 of `text`, one byte per char code. */
function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * After Georg Nees's Schotter (1968): a column of squares that start in order at the top and
 * rotate and drift further from their place the lower they sit.
 */
export function schotter(cols: number, perRow: number, perCol: number, rand: () => number = Math.random): string {
  cols = clamp(cols, 1, 1000);
  perRow = clamp(perRow, 1, 200);
  perCol = clamp(perCol, 1, 200);
  const width = cols * 2;
  const pad = width > 4 ? 2 : 0;
  const side = Math.floor((width - pad * 2) / perRow);
  const canvas = new Canvas(width, side * perCol + pad * 2);
  for (let row = 0; row < perCol; row++) {
    const disorder = row / Math.max(1, perCol - 1);
    for (let col = 0; col < perRow; col++) {
      const cx = pad + col * side + side / 2 + (rand() - 0.5) * side * disorder * 0.6;
      const cy = pad + row * side + side / 2 + (rand() - 0.5) * side * disorder * 0.6;
      const angle = (rand() - 0.5) * Math.PI * 0.5 * disorder;
      const r = (side / 2) * Math.SQRT2;
      const corners: [number, number][] = [];
      for (let k = 0; k < 4; k++) {
        const a = angle + Math.PI / 4 + (k * Math.PI) / 2;
        corners.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
      }
      for (let k = 0; k < 4; k++) {
        const [x0, y0] = corners[k] as [number, number];
        const [x1, y1] = corners[(k + 1) % 4] as [number, number];
        canvas.line(x0, y0, x1, y1);
      }
    }
  }
  return utf8Bytes(renderBraille(canvas));
}

/** The four colours of the skyline, as SGR foreground;background pairs. */
const COLOURS = ['0;30;40', '0;90;100', '0;37;47', '0;97;107'] as const;

/**
 * A skyline at night: far towers in grey and near ones in black against a pale sky, with lit
 * windows. Every cell is one coloured space.
 */
export function skyline(cols: number, rows: number, rand: () => number = Math.random): string {
  cols = clamp(cols, 1, 1000);
  rows = clamp(rows, 1, 1000);
  const cells = new Uint8Array(cols * rows).fill(3);
  const paint = (x: number, y: number, c: number): void => {
    if (x >= 0 && x < cols && y >= 0 && y < rows) cells[y * cols + x] = c;
  };
  // Two layers, far (grey, taller) then near (black, with windows), left to right with gaps.
  for (const [colour, hmin, hmax, windows] of [
    [1, 0.4, 0.9, false],
    [0, 0.2, 0.65, true],
  ] as const) {
    let x = Math.floor(rand() * 3);
    while (x < cols) {
      const w = 4 + Math.floor(rand() * 8);
      const h = Math.max(1, Math.floor(rows * (hmin + rand() * (hmax - hmin))));
      for (let bx = x; bx < x + w; bx++) {
        for (let by = rows - h; by < rows; by++) {
          const lit = windows && bx > x && bx < x + w - 1 && by > rows - h && (bx - x) % 2 === 1 && (by - (rows - h)) % 2 === 1 && rand() < 0.5;
          paint(bx, by, lit ? 2 : colour);
        }
      }
      x += w + Math.floor(rand() * 4);
    }
  }
  const lines: string[] = [];
  for (let y = 0; y < rows; y++) {
    let line = '';
    for (let x = 0; x < cols; x++) line += `\x1b[${COLOURS[cells[y * cols + x] as number] as string}m \x1b[0m`;
    lines.push(line);
  }
  return lines.join('\n');
}
