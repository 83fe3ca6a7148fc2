/**
 * Greedy label placement for map markers: each label tries positions around its marker (then farther out,
 * with a leader line) and takes the one overlapping least with labels already placed, other markers and the
 * map's edge. Crowded markers choose first. Pixel units of the SVG viewBox.
 */

export interface LabelInput {
  id: string;
  text: string;
  x: number;
  y: number;
  /** Radius of the marker the label belongs to. */
  r: number;
  fontSize: number;
  /** Higher goes first among equally crowded labels. */
  priority?: number;
}

export interface PlacedLabel {
  id: string;
  text: string;
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
  fontSize: number;
  /** Leader line from the marker to the label, when the label sits away from it. */
  leader: { x1: number; y1: number; x2: number; y2: number } | null;
}

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Approximate width of `text` in a bold sans-serif at `fontSize` (codes are mostly capitals). */
export function textWidth(text: string, fontSize: number): number {
  let w = 0;
  for (const ch of text) w += /[A-Z0-9]/.test(ch) ? 0.68 : /[-.]/.test(ch) ? 0.4 : 0.56;
  return w * fontSize;
}

const DIRECTIONS: Array<{ dx: number; dy: number }> = [
  { dx: 1, dy: 0 },
  { dx: -1, dy: 0 },
  { dx: 0, dy: -1 },
  { dx: 0, dy: 1 },
  { dx: 1, dy: -1 },
  { dx: -1, dy: -1 },
  { dx: 1, dy: 1 },
  { dx: -1, dy: 1 },
];

function candidate(l: LabelInput, dir: { dx: number; dy: number }, dist: number) {
  const w = textWidth(l.text, l.fontSize);
  const h = l.fontSize;
  const d = l.r + dist;
  const diag = dir.dx !== 0 && dir.dy !== 0 ? Math.SQRT1_2 : 1;
  const px = l.x + dir.dx * d * diag;
  const py = l.y + dir.dy * d * diag;
  const anchor: PlacedLabel['anchor'] = dir.dx > 0 ? 'start' : dir.dx < 0 ? 'end' : 'middle';
  const x0 = anchor === 'start' ? px : anchor === 'end' ? px - w : px - w / 2;
  // vertical: labels beside the marker are centred on it; above/below sit clear of it
  const yTop = dir.dy < 0 ? py - h : dir.dy > 0 ? py : py - h / 2;
  const rect: Rect = { x0: x0 - 1, y0: yTop - 1, x1: x0 + w + 1, y1: yTop + h + 1 };
  const baseline = yTop + h * 0.82;
  return { rect, x: px, y: baseline, anchor };
}

/**
 * Places every label. `bounds` is the drawable area; `obstacles` are extra circles to keep clear of (all
 * markers, including those without labels).
 */
export function placeLabels(
  labels: LabelInput[],
  bounds: { width: number; height: number },
  obstacles: Array<{ x: number; y: number; r: number }>,
): PlacedLabel[] {
  const markerRects: Rect[] = obstacles.map((o) => ({ x0: o.x - o.r, y0: o.y - o.r, x1: o.x + o.r, y1: o.y + o.r }));
  const crowd = (l: LabelInput) => obstacles.filter((o) => Math.hypot(o.x - l.x, o.y - l.y) < 40).length;
  const order = [...labels].sort((a, b) => crowd(b) - crowd(a) || (b.priority ?? 0) - (a.priority ?? 0));
  const placed: Rect[] = [];
  const out: PlacedLabel[] = [];
  const rings = [3, 12, 24, 38];
  for (const l of order) {
    let best: { score: number; c: ReturnType<typeof candidate>; ring: number } | null = null;
    for (let ring = 0; ring < rings.length; ring++) {
      for (const dir of DIRECTIONS) {
        const c = candidate(l, dir, rings[ring] ?? 3);
        let score = ring * 18 + (dir.dx === 0 || dir.dy === 0 ? 0 : 4);
        for (const p of placed) score += overlap(c.rect, p) * 6;
        for (const m of markerRects) score += overlap(c.rect, m) * 3;
        const outside =
          Math.max(0, -c.rect.x0) +
          Math.max(0, c.rect.x1 - bounds.width) +
          Math.max(0, -c.rect.y0) +
          Math.max(0, c.rect.y1 - bounds.height);
        score += outside * 200;
        if (!best || score < best.score) best = { score, c, ring };
      }
      if (best && best.score < (ring + 1) * 18) break; // a clean spot at this distance: stop looking farther out
    }
    if (!best) continue;
    placed.push(best.c.rect);
    const { rect } = best.c;
    const cx = Math.max(rect.x0, Math.min(l.x, rect.x1));
    const cy = Math.max(rect.y0, Math.min(l.y, rect.y1));
    out.push({
      id: l.id,
      text: l.text,
      x: best.c.x,
      y: best.c.y,
      anchor: best.c.anchor,
      fontSize: l.fontSize,
      leader: best.ring > 0 ? { x1: l.x, y1: l.y, x2: cx, y2: cy } : null,
    });
  }
  return out;
}

/**
 * Spreads markers that fall on (nearly) the same pixel around a small circle, so each stays visible and
 * hoverable. Returns the offset position of each input, in order.
 */
export function spreadColocated<T extends { x: number; y: number }>(
  items: T[],
  radius = 8,
  tolerance = 3,
): Array<T & { sx: number; sy: number }> {
  const groups: number[][] = [];
  items.forEach((it, i) => {
    const g = groups.find((gr) => {
      const first = items[gr[0] ?? 0];
      return first !== undefined && Math.hypot(first.x - it.x, first.y - it.y) <= tolerance;
    });
    if (g) g.push(i);
    else groups.push([i]);
  });
  const out = items.map((it) => ({ ...it, sx: it.x, sy: it.y }));
  for (const g of groups) {
    if (g.length < 2) continue;
    const r = radius * (g.length > 4 ? 1.4 : 1);
    g.forEach((idx, k) => {
      const a = -Math.PI / 2 + (2 * Math.PI * k) / g.length;
      const o = out[idx];
      if (o) {
        o.sx = o.x + r * Math.cos(a);
        o.sy = o.y + r * Math.sin(a);
      }
    });
  }
  return out;
}
