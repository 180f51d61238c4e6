import type { Entity } from './types.js';

/**
 * Resolves spans from several detectors into non-overlapping entities. Overlapping spans of the same
 * label join into one (the highest score kept); between different labels the higher score wins, then the
 * longer span, then the earlier one. Conflicts are resolved within clusters of overlapping spans, so the
 * cost stays O(n log n) for the tens of thousands of entities of a large document.
 */
export function mergeEntities<E extends Entity>(spans: readonly E[]): E[] {
  if (spans.length <= 1 || apart(spans)) return spans.slice();
  return mergeByClusters(spans);
}

/** mergeEntities without the shortcut for spans already apart (tests compare the two). */
export function mergeByClusters<E extends Entity>(spans: readonly E[]): E[] {
  if (spans.length <= 1) return spans.slice();
  // joinSameLabel makes a new array: the clusters are resolved in it, in place (no array per span).
  const joined = joinSameLabel(spans).sort((a, b) => a.start - b.start || b.end - a.end);
  let kept = 0;
  for (let i = 0; i < joined.length; ) {
    let clusterEnd = joined[i]!.end;
    let j = i + 1;
    while (j < joined.length && joined[j]!.start < clusterEnd) {
      clusterEnd = Math.max(clusterEnd, joined[j]!.end);
      j++;
    }
    // A cluster never yields more spans than it holds, so `kept` stays at or behind `i`.
    if (j === i + 1) joined[kept++] = joined[i]!;
    else for (const s of resolve(joined.slice(i, j))) joined[kept++] = s;
    i = j;
  }
  joined.length = kept;
  return joined;
}

/**
 * True when the spans are in text order and none overlaps the next (the most common case for a value of
 * a table): there is nothing to join or resolve, and they are the result as they are.
 */
function apart(spans: readonly Entity[]): boolean {
  for (let i = 1; i < spans.length; i++) {
    const a = spans[i - 1]!;
    const b = spans[i]!;
    if (!(a.start < b.start && a.end <= b.start)) return false;
  }
  return true;
}

/** Greedy by score, then length, then position, within one cluster of overlapping spans. */
function resolve<E extends Entity>(cluster: E[]): E[] {
  const ranked = cluster
    .map((s, i) => ({ s, i }))
    .sort(
      (a, b) =>
        b.s.score - a.s.score ||
        b.s.end - b.s.start - (a.s.end - a.s.start) ||
        a.s.start - b.s.start ||
        a.i - b.i,
    );
  const kept: E[] = [];
  for (const { s } of ranked) if (!kept.some((k) => k.start < s.end && s.start < k.end)) kept.push(s);
  return kept.sort((a, b) => a.start - b.start);
}

function joinSameLabel<E extends Entity>(spans: readonly E[]): E[] {
  const byLabel = new Map<string, E[]>();
  for (const s of spans) {
    const list = byLabel.get(s.label);
    if (list) list.push(s);
    else byLabel.set(s.label, [s]);
  }
  const out: E[] = [];
  for (const list of byLabel.values()) {
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    let current: E | undefined;
    for (const s of list) {
      if (current && s.start < current.end) {
        if (s.end > current.end || s.score > current.score)
          current = {
            ...current,
            end: Math.max(current.end, s.end),
            score: Math.max(current.score, s.score),
          };
      } else {
        if (current) out.push(current);
        current = s;
      }
    }
    if (current) out.push(current);
  }
  return out;
}
