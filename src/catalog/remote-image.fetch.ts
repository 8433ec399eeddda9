import dns from 'node:dns/promises';
import net from 'node:net';
import { AppError } from '../errors/app-error.ts';

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
    throw new AppError('URL_INVALID', `not a valid URL: ${url}`, 400);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AppError('URL_INVALID', 'only http(s) URLs are accepted', 400);
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
    if (!response.ok) throw new AppError('URL_FETCH_FAILED', `${url} answered HTTP ${response.status}`, 400);
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
    if (error instanceof AppError) throw error;
    if (controller.signal.aborted) {
      throw new AppError('URL_TIMEOUT', `${url} did not answer within ${limits.timeoutMs / 1000} s`, 400);
    }
    throw new AppError('URL_FETCH_FAILED', `could not fetch ${url}: ${(error as Error).message}`, 400);
  } finally {
    clearTimeout(timer);
  }
}

function tooLarge(url: string, maxBytes: number) {
  return new AppError('URL_TOO_LARGE', `${url} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`, 413);
}

async function assertPublicHost(hostname: string): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host)
    ? [host]
    : (await dns.lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new AppError('URL_FETCH_FAILED', `cannot resolve ${hostname}`, 400);
  if (addresses.some(isPrivateAddress)) {
    throw new AppError(
      'URL_FORBIDDEN',
      'URLs pointing to private or loopback addresses are not allowed',
      400,
    );
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
