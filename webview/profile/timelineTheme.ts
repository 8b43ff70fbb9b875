/**
 * The Timeline view's colours and font, read from VS Code's theme variables: the chart colours spans are drawn in
 * (with fallbacks for a page without the variables) and, per chart colour, the text colour that contrasts best.
 */

/** The `--vscode-charts-*` colours spans are drawn in; a span name's hash picks one. */
export const CHART_NAMES = ['blue', 'red', 'yellow', 'orange', 'green', 'purple'] as const;
/** VS Code's Dark Modern chart colours, for a page without the theme's variables. */
const CHART_FALLBACK: Readonly<Record<(typeof CHART_NAMES)[number], string>> = {
  blue: '#3794ff',
  red: '#f14c4c',
  yellow: '#cca700',
  orange: '#d18616',
  green: '#89d185',
  purple: '#b180d7',
};

/** The colours and font the timeline is drawn with. */
export interface Theme {
  readonly background: string;
  readonly foreground: string;
  readonly muted: string;
  readonly border: string;
  readonly focus: string;
  /** The chart colours, in the order of {@link CHART_NAMES}. */
  readonly chart: readonly string[];
  /** Per chart colour, the text colour (foreground or background) with the better contrast on it. */
  readonly onChart: readonly string[];
  readonly fontFamily: string;
}

/** `#rgb`, `#rrggbb` or `rgb(…)` → [r, g, b] (0–255), as the canvas normalizes colours. */
function parseColor(ctx: CanvasRenderingContext2D, color: string): [number, number, number] {
  ctx.fillStyle = '#000000';
  ctx.fillStyle = color;
  const normalized = String(ctx.fillStyle);
  const hex = /^#([0-9a-f]{6})/i.exec(normalized);
  if (hex) {
    const v = parseInt(hex[1]!, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  const rgb = /^rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/.exec(normalized);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : [128, 128, 128];
}

/** WCAG relative luminance. */
function luminance([r, g, b]: [number, number, number]): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG contrast ratio of two relative luminances. */
function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/**
 * Reads the theme's colours and font from CSS variables (VS Code sets them on the root element), as seen from
 * `from`; `ctx` normalizes the colours (its fill style is left changed).
 */
export function readTheme(from: HTMLElement, ctx: CanvasRenderingContext2D): Theme {
  const style = getComputedStyle(from);
  const variable = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const background = variable('--vscode-editor-background', '#1f1f1f');
  const foreground = variable('--vscode-foreground', '#cccccc');
  const chart = CHART_NAMES.map((name) => variable(`--vscode-charts-${name}`, CHART_FALLBACK[name]));
  const bgLum = luminance(parseColor(ctx, background));
  const fgLum = luminance(parseColor(ctx, foreground));
  const onChart = chart.map((color) => {
    const lum = luminance(parseColor(ctx, color));
    return contrast(lum, fgLum) >= contrast(lum, bgLum) ? foreground : background;
  });
  return {
    background,
    foreground,
    muted: variable('--vscode-descriptionForeground', foreground),
    border: variable('--vscode-panel-border', variable('--vscode-editorWidget-border', 'rgba(128, 128, 128, 0.35)')),
    focus: variable('--vscode-focusBorder', foreground),
    chart,
    onChart,
    fontFamily: style.fontFamily || 'sans-serif',
  };
}
