export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function formatCost(dollars: number | null | undefined): string {
  if (dollars === null || dollars === undefined) return '—';
  return dollars === 0 ? '$0' : dollars < 0.01 ? `$${dollars.toFixed(4)}` : `$${dollars.toFixed(2)}`;
}

export function formatPercent(share: number | null | undefined, digits = 0): string {
  return share === null || share === undefined ? '—' : `${(share * 100).toFixed(digits)}%`;
}

/** Statuses a job is still working in: pages poll while an object is in one. */
export const ACTIVE_STATUSES = new Set(['PENDING', 'PROCESSING']);
export const isActive = (status: string | undefined) => status !== undefined && ACTIVE_STATUSES.has(status);
