import ipaddr from 'ipaddr.js';

/**
 * Which addresses a server may fetch a stranger's URL from (OWASP SSRF prevention): only public
 * unicast. Ranges come from ipaddr.js, not from hand-written prefixes. Every IPv6 form that embeds
 * an IPv4 address or tunnels to one (IPv4-mapped, -compatible, -translated, 6to4, Teredo, NAT64)
 * is refused unless it is the IPv4-mapped form of a public IPv4 address, which is that address.
 */
export function isPublicAddress(address: string): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  // Global unicast is 2000::/3; everything else (::/8 with the IPv4-compatible forms, fc00::/7,
  // fe80::/10, ff00::/8, 64:ff9b::/96 …) is local, special or not routed on the internet.
  return parsed.range() === 'unicast' && parsed.match(GLOBAL_UNICAST);
}

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/**
 * The address to connect to, in the form the socket layer takes: an IPv4-mapped IPv6 address
 * becomes its IPv4 address (the same host; the check above already judged it as IPv4).
 */
export function connectableAddress(address: string): { address: string; family: 4 | 6 } | null {
  const parsed = parseAddress(address);
  if (!parsed) return null;
  return parsed.kind() === 'ipv4'
    ? { address: parsed.toString(), family: 4 }
    : { address: parsed.toNormalizedString(), family: 6 };
}

/** An IP literal (brackets and an IPv6 zone allowed), IPv4-mapped IPv6 folded to IPv4; null otherwise. */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  // A zone (fe80::1%eth0) names an interface: never a public address.
  if (bare.includes('%')) return null;
  if (!ipaddr.isValid(bare)) return null;
  // process() folds ::ffff:a.b.c.d into a.b.c.d, so the IPv4 ranges judge it.
  return ipaddr.process(bare);
}

/** Whether a URL's host is written as an address rather than a name (no lookup needed). */
export function isAddressLiteral(hostname: string): boolean {
  return parseAddress(hostname) !== null;
}
