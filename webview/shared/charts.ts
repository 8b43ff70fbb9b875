/**
 * chart.js for the panels: only the pieces they use are registered (smaller bundle), and colours come from VS Code's
 * theme variables (`--vscode-charts-*`), so light, dark and high-contrast themes apply.
 */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Decimation,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
);

export { Chart };

const FALLBACK: Readonly<Record<string, string>> = {
  blue: '#3794ff',
  orange: '#d18616',
  green: '#89d185',
  purple: '#b180d7',
  red: '#f14c4c',
  yellow: '#cca700',
  foreground: '#cccccc',
  lines: '#808080',
};

/** A theme colour: `--vscode-charts-<name>` (blue, red, yellow, orange, green, purple, foreground, lines). */
export function themeColor(name: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(`--vscode-charts-${name}`).trim();
  return value || FALLBACK[name] || '#888888';
}

/** The palette for series, in order: blue, orange, green, purple, red, yellow, then the same lighter. */
export function palette(): string[] {
  const base = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'].map(themeColor);
  return [...base, ...base.map((c) => withAlpha(c, 0.55))];
}

/** `#rrggbb` (or `rgb(…)`) with an alpha. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/.exec(color);
  if (rgb) {
    const [r, g, b] = rgb[1]!.split(',').map((p) => p.trim());
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return color;
}

/** Defaults every chart shares: theme text and grid colours, no animation (panels redraw on data, not for show). */
export function applyChartDefaults(): void {
  const style = getComputedStyle(document.body);
  Chart.defaults.color = themeColor('foreground');
  Chart.defaults.borderColor = withAlpha(themeColor('lines'), 0.35);
  Chart.defaults.font.family = style.fontFamily;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
}
