/**
 * Human formatting shared by the CLI, alerts, the tray, the window and reports,
 * so a figure reads the same everywhere. Pure, no imports.
 */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** 5.4 GB, 491 MB, 0 B — binary multiples, labelled the way `free -h` users read them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : 1;
  return `${sign}${v.toFixed(digits)} ${UNITS[i]}`;
}

/** +1.2 GB/h, −300 MB/h. */
export function formatRate(bytesPerHour: number): string {
  const sign = bytesPerHour >= 0 ? '+' : '−';
  return `${sign}${formatBytes(Math.abs(bytesPerHour))}/h`;
}

/** ~2 h 40 min, ~12 min, ~45 s, ~3 d 4 h. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `~${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `~${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `~${h} h` : `~${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `~${d} d` : `~${d} d ${h % 24} h`;
}

export function formatPercent(p: number, digits = 0): string {
  return Number.isFinite(p) ? `${p.toFixed(digits)}%` : '?';
}

/** "claude ×16 — 5.4 GB" */
export function formatGroup(name: string, count: number, rssBytes: number): string {
  return `${name} ×${count} — ${formatBytes(rssBytes)}`;
}
