// `site:` values: the host of a mention's url, compared at domain boundaries so that
// `site:reddit.com` finds www.reddit.com and old.reddit.com but not notreddit.com.

/** The host a `site:` value names, lower-cased, without scheme, path or port; undefined if none. */
export function normalizeSite(value: string): string | undefined {
  let v = value.trim().toLowerCase();
  v = v.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#].*$/, '').replace(/:\d+$/, '').replace(/\.$/, '');
  if (!/^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*$/u.test(v)) return undefined;
  return v;
}

/**
 * Every value `site:` may match for a url: its host and each parent domain of two labels or more
 * (www.reddit.com → www.reddit.com, reddit.com). Empty when the url has no host.
 */
export function sitesOf(url: string | undefined): string[] {
  if (!url) return [];
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return [];
  }
  if (host === '') return [];
  const labels = host.split('.');
  const out: string[] = [];
  for (let k = 0; k < labels.length - 1 || (k === 0 && labels.length === 1); k++) out.push(labels.slice(k).join('.'));
  return out;
}
