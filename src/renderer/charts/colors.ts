/** Colour helpers for the charts. Pure. */

/**
 * `color` with opacity `alpha`: "#rrggbb" becomes "rgba(r, g, b, alpha)";
 * anything else (a name, an rgb() the theme gave) is returned unchanged.
 */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
