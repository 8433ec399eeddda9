import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';

/**
 * Who a request comes from, for rate limits and the cap on saved searches: the signed-in user or
 * API token (an office behind one address is many people), else the client's address
 * (request.ip honours X-Forwarded-For only when TRUST_PROXY says so), an IPv6 address by its /64
 * (one subscriber's network; it holds 2^64 addresses to rotate through). Hashed: the database
 * keeps no addresses.
 */
export function clientKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind === 'user') return hash(`user:${principal.user.id}`);
  if (principal?.kind === 'token') return hash(`token:${principal.token.id}`);
  let network = request.ip;
  if (ipaddr.isValid(network)) {
    const address = ipaddr.process(network);
    network =
      address.kind() === 'ipv6'
        ? `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`).toString()}/64`
        : address.toString();
  }
  return hash(`address:${network}`);
}

const hash = (key: string) =>
  crypto.createHash('sha256').update(`vitrina-client:${key}`).digest('base64url').slice(0, 22);
