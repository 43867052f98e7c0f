// The tab-bar icons, drawn from a few shapes (distance functions, 4×4 supersampled for smooth
// edges) in the colours theme.json gives the tab bar: one PNG per tab × selected × light/dark, at
// the 81 × 81 px WeChat recommends (each far below the 40 KB limit; docs/miniprogram.md).
import { encodePng } from "./png";

export const ICON_SIZE = 81;
const SAMPLES = 4;

/** Distance from a point to a shape's outline or area; ≤ 0 means inside the ink. */
type Shape = (x: number, y: number) => number;

/** A stroked circle (a ring) of the given radius and stroke width. */
const ring =
  (cx: number, cy: number, r: number, width: number): Shape =>
  (x, y) =>
    Math.abs(Math.hypot(x - cx, y - cy) - r) - width / 2;

/** A line segment with round caps. */
const segment =
  (ax: number, ay: number, bx: number, by: number, width: number): Shape =>
  (x, y) => {
    const [dx, dy] = [bx - ax, by - ay];
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - (ax + t * dx), y - (ay + t * dy)) - width / 2;
  };

/** The outline of a rounded rectangle (stroke centred on the edge). */
const roundedFrame =
  (x0: number, y0: number, x1: number, y1: number, radius: number, width: number): Shape =>
  (x, y) => {
    const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
    const [hx, hy] = [(x1 - x0) / 2 - radius, (y1 - y0) / 2 - radius];
    const qx = Math.abs(x - cx) - hx;
    const qy = Math.abs(y - cy) - hy;
    const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
    return Math.abs(outside) - width / 2;
  };

/** 车次查询: a magnifying glass. */
const searchShapes = (bold: number): Shape[] => [ring(35, 35, 19, 6 + bold), segment(49, 49, 66, 66, 8 + bold)];
/** 我的订单: a list on a sheet of paper. */
const ordersShapes = (bold: number): Shape[] => [
  roundedFrame(17, 9, 64, 72, 9, 6 + bold),
  segment(29, 28, 52, 28, 5 + bold),
  segment(29, 41, 52, 41, 5 + bold),
  segment(29, 54, 44, 54, 5 + bold),
];

function hexRgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`tab icon colour ${hex} is not #rrggbb`);
  const n = Number.parseInt(m[1]!, 16);
  return [n >> 16, (n >> 8) & 255, n & 255];
}

/** Draws shapes in one colour on a transparent square. */
export function drawIcon(shapes: readonly Shape[], colour: string): Buffer {
  const [r, g, b] = hexRgb(colour);
  const px = new Uint8Array(ICON_SIZE * ICON_SIZE * 4);
  for (let y = 0; y < ICON_SIZE; y++) {
    for (let x = 0; x < ICON_SIZE; x++) {
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const [fx, fy] = [x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES];
          if (shapes.some((s) => s(fx, fy) <= 0)) covered++;
        }
      }
      px.set([r, g, b, Math.round((255 * covered) / (SAMPLES * SAMPLES))], (y * ICON_SIZE + x) * 4);
    }
  }
  return encodePng(ICON_SIZE, ICON_SIZE, px);
}

interface ThemeJson {
  light: Record<string, string>;
  dark: Record<string, string>;
}

/** Every icon theme.json names, keyed by its path under the mini-program root. The variable names
 *  say which tab and state: tab<Name>Icon (tabColor) and tab<Name>IconOn (tabSelectedColor, bolder). */
export function tabIcons(theme: ThemeJson): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const shapesOf: Record<string, (bold: number) => Shape[]> = { Search: searchShapes, Orders: ordersShapes };
  for (const vars of [theme.light, theme.dark]) {
    for (const [key, path] of Object.entries(vars)) {
      const m = /^tab(\w+?)Icon(On)?$/.exec(key);
      if (!m) continue;
      const shapes = shapesOf[m[1]!];
      if (!shapes) throw new Error(`theme.json names ${key}, an icon this script cannot draw`);
      const selected = m[2] === "On";
      out.set(path, drawIcon(shapes(selected ? 2 : 0), selected ? vars.tabSelectedColor! : vars.tabColor!));
    }
  }
  return out;
}
