/**
 * Number formats shared by every layer: the engine's messages, the config checks, the CLI and the panels. Pure
 * functions with no imports, so browser code (webview/) and Node code use the same text for the same number.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** How {@link formatBytes} writes the number. */
export interface ByteFormat {
  /** Decimals after the point (default 1): 0 for limits such as `16 GiB`. */
  readonly decimals?: number;
  /**
   * Significant digits instead of one decimal: `{ significant: 3 }` writes `1.50 KiB` where the default writes
   * `1.5 KiB`. Predictions use it (their inputs are exact); measurements keep one decimal.
   */
  readonly significant?: number;
}

/** Bytes in the largest binary unit that keeps the number at or above 1: `512 B`, `3.2 MiB`, `1.5 GiB`. */
export function formatBytes(bytes: number, format: ByteFormat = {}): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits =
    unit === 0
      ? String(Math.round(value))
      : format.significant !== undefined
        ? value.toPrecision(format.significant)
        : value.toFixed(format.decimals ?? 1);
  return `${digits} ${BYTE_UNITS[unit]}`;
}
