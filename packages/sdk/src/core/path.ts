/** A path template that percent-encodes every interpolated id, so an id can never change the route. */
export function path(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce(
    (out, part, i) => out + part + (i < ids.length ? encodeURIComponent(ids[i]!) : ''),
    '',
  );
}
