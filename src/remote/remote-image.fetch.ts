import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { appError, isAppError } from '../errors/app-error.ts';
import { connectableAddress, isAddressLiteral, isPublicAddress } from './address.policy.ts';

/** Resolves a host name to every address it has (the one lookup a hop gets). */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface RemoteFetchOptions {
  timeoutMs: number;
  maxBytes: number;
  /** fetch from private, loopback and other non-public addresses too (tests, intranets) */
  allowPrivate: boolean;
  /**
   * Say why a fetch failed (the CLI import, for the operator who runs it). Off for the web: a
   * stranger must not learn from the reply whether a port is open, closed or filtered.
   */
  explain?: boolean;
  /** told why each fetch failed (the server log), whatever the reply says */
  onFailure?: (url: string, reason: string) => void;
  resolve?: Resolver;
  /** which resolved addresses may be connected to; tests only (isPublicAddress otherwise) */
  allowAddress?: (address: string) => boolean;
  /** extra trusted CA certificates for https; tests only */
  ca?: string | Buffer;
}

export const MAX_REDIRECTS = 3;

const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** Why a hop failed; never shown to a web client (see `explain`). */
class Refusal extends Error {}

/**
 * Fetches image bytes from a URL given by someone else, the way OWASP's SSRF guidance says: each
 * hop's host is resolved once, every address it resolves to must be allowed, the connection goes
 * to the address that was checked (no second lookup, so no DNS-rebinding window), redirects are
 * followed by hand (at most 3, each one checked again), and every refusal or failure is one
 * generic error.
 */
export function createRemoteImageFetcher(options: RemoteFetchOptions) {
  const resolve = options.resolve ?? systemResolver;
  const allowed = options.allowPrivate ? () => true : (options.allowAddress ?? isPublicAddress);

  /** The one address this hop may connect to, or a refusal. */
  async function checkedAddress(url: URL): Promise<{ address: string; family: 4 | 6 }> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Refusal(`${url.protocol} URL`);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    if (isAddressLiteral(host)) addresses = [host];
    else {
      try {
        addresses = await resolve(host);
      } catch {
        throw new Refusal(`cannot resolve ${host}`);
      }
    }
    if (addresses.length === 0) throw new Refusal(`cannot resolve ${host}`);
    // Any non-public answer refuses the host: an attacker's name may list a public address first.
    const bad = addresses.find((a) => !allowed(a));
    if (bad !== undefined) throw new Refusal(`${host} resolves to ${bad}, which is not a public address`);
    const pinned = connectableAddress(addresses[0]!);
    if (!pinned) throw new Refusal(`${host} resolves to ${addresses[0]}`);
    return pinned;
  }

  /** One request to the checked address; resolves with the response (headers read). */
  function request(url: URL, pinned: { address: string; family: 4 | 6 }, signal: AbortSignal) {
    // The socket asks this "lookup" for the host and gets the checked address back: the name is
    // still sent as Host and as the TLS server name (certificates are verified against it).
    const lookup = ((_host: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (opts?.all) callback(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    }) as unknown as LookupFunction;
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<http.IncomingMessage>((done, fail) => {
      const req = transport.request(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers: { accept: 'image/*', 'user-agent': 'vitrina (search by image link)' },
          lookup,
          family: pinned.family,
          signal,
          agent: false,
          ...(options.ca ? { ca: options.ca } : {}),
        },
        done,
      );
      req.on('error', fail);
      req.end();
    });
  }

  async function readCapped(response: http.IncomingMessage, url: string): Promise<Buffer> {
    const declared = Number(response.headers['content-length'] ?? 0);
    if (declared > options.maxBytes) {
      response.destroy();
      throw appError('URL_TOO_LARGE', { url, maxBytes: options.maxBytes });
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > options.maxBytes) {
        response.destroy();
        throw appError('URL_TOO_LARGE', { url, maxBytes: options.maxBytes });
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  return {
    async fetchImage(link: string): Promise<Buffer> {
      let url: URL;
      try {
        url = new URL(link);
      } catch {
        throw appError('URL_INVALID', { url: link });
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw appError('URL_INVALID', { url: link });
      const signal = AbortSignal.timeout(options.timeoutMs);
      try {
        for (let hop = 0; ; hop++) {
          const response = await request(url, await checkedAddress(url), signal);
          const status = response.statusCode ?? 0;
          const location = response.headers.location;
          if (status >= 300 && status < 400 && location) {
            response.destroy();
            if (hop >= MAX_REDIRECTS) throw new Refusal(`more than ${MAX_REDIRECTS} redirects`);
            url = new URL(location, url);
            continue;
          }
          if (status < 200 || status >= 300) {
            response.destroy();
            throw new Refusal(`HTTP ${status}`);
          }
          return await readCapped(response, link);
        }
      } catch (error) {
        if (isAppError(error)) throw error;
        const reason = signal.aborted
          ? `no answer within ${options.timeoutMs / 1000} s`
          : error instanceof Refusal
            ? error.message
            : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
        options.onFailure?.(link, reason);
        throw appError(
          'URL_FETCH_FAILED',
          { url: link, ...(options.explain ? { reason } : {}) },
          { cause: error },
        );
      }
    },
  };
}

export type RemoteImageFetcher = ReturnType<typeof createRemoteImageFetcher>;
