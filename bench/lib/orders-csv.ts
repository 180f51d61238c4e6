/**
 * The benchmark CSV: orders with dates, categories (some non-ASCII), amounts and a free-text column whose
 * commas and quotes force quoting. Seeded, so every benchmark sees the same bytes.
 */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = [
  'electronics',
  'grocery',
  'apparel',
  'home & garden',
  'toys',
  'books',
  'sports',
  'beauty',
];
const REGIONS = ['north', 'south', 'east', 'west', 'central', 'Zürich', 'São Paulo', 'Île-de-France'];
const WORDS = (
  'customer asked about delivery window package arrived damaged refund issued replacement sent ' +
  'great quality will order again size runs small colour differs from photo courier left at door ' +
  'requested gift wrap invoice attached promo code applied loyalty points redeemed backorder expected ' +
  'next week warehouse delay address corrected phone support escalated resolved on first contact'
).split(' ');

function notes(rand: () => number): string {
  const n = 3 + Math.floor(rand() * 14);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = WORDS[Math.floor(rand() * WORDS.length)]!;
    if (i > 0 && rand() < 0.04) w = `${w},`; // commas inside the field: must be quoted
    words.push(w);
  }
  let text = words.join(' ').replace(/,$/, '');
  if (rand() < 0.05) text = `said "${text}"`; // embedded quotes, escaped as ""
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export const ORDERS_HEADER = 'id,order_date,shipped_at,category,region,amount,quantity,notes\n';

/** Rows after the header, stopping before the file would pass `targetBytes` (header included). */
export function* orderRows(targetBytes: number): Generator<{ row: string; bytes: number; quoted: boolean }> {
  const rand = mulberry32(20261123);
  let total = ORDERS_HEADER.length;
  const start = Date.UTC(2023, 0, 1);
  for (let id = 1; ; id++) {
    const day = new Date(start + Math.floor(rand() * 700) * 86_400_000);
    const shipped = new Date(day.getTime() + Math.floor(rand() * 5 * 86_400_000));
    const text = notes(rand);
    const row =
      `${id},` +
      `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())},` +
      `${shipped.toISOString()},` +
      `${CATEGORIES[Math.floor(rand() * CATEGORIES.length)]},` +
      `${REGIONS[Math.floor(rand() * REGIONS.length)]},` +
      `${(rand() * 2000).toFixed(2)},` +
      `${1 + Math.floor(rand() * 20)},` +
      `${text}\n`;
    const bytes = Buffer.byteLength(row, 'utf8');
    if (total + bytes > targetBytes) return;
    total += bytes;
    yield { row, bytes, quoted: text.startsWith('"') };
  }
}
