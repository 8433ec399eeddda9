import dns from 'node:dns/promises';
import net from 'node:net';
import { appError, isAppError } from '../errors/app-error.ts';

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  /** refuse loopback, private and link-local addresses (user-supplied URLs on a server) */
  publicOnly?: boolean;
}

/** Downloads an image URL with a timeout and a size cap, reading at most maxBytes. */
export async function fetchImageBytes(url: string, limits: FetchLimits): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw appError('URL_INVALID', { url });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw appError('URL_INVALID', { url });
  }
  if (limits.publicOnly) await assertPublicHost(parsed.hostname);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  try {
    // Redirects are not followed blindly: a public URL could redirect to a private address.
    const response = await fetch(parsed, {
      signal: controller.signal,
      redirect: limits.publicOnly ? 'error' : 'follow',
    });
    if (!response.ok) throw appError('URL_FETCH_FAILED', { url, reason: `HTTP ${response.status}` });
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > limits.maxBytes) throw tooLarge(url, limits.maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body ?? []) {
      total += chunk.length;
      if (total > limits.maxBytes) {
        controller.abort();
        throw tooLarge(url, limits.maxBytes);
      }
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  } catch (error) {
    if (isAppError(error)) throw error;
    if (controller.signal.aborted) {
      throw appError('URL_TIMEOUT', { url, seconds: limits.timeoutMs / 1000 });
    }
    throw appError('URL_FETCH_FAILED', { url, reason: (error as Error).message });
  } finally {
    clearTimeout(timer);
  }
}

function tooLarge(url: string, maxBytes: number) {
  return appError('URL_TOO_LARGE', { url, maxBytes });
}

async function assertPublicHost(hostname: string): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host)
    ? [host]
    : (await dns.lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw appError('URL_FETCH_FAILED', { url: hostname, reason: 'cannot resolve' });
  if (addresses.some(isPrivateAddress)) {
    throw appError('URL_FORBIDDEN');
  }
}

export function isPrivateAddress(address: string): boolean {
  if (net.isIPv4(address)) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  const v6 = address.toLowerCase();
  if (v6.startsWith('::ffff:')) return isPrivateAddress(v6.slice(7));
  return v6 === '::' || v6 === '::1' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe80');
}
