import type { FastifyRequest } from 'fastify';
import type { Actor } from '../catalog/catalog.audit.ts';

/** Who made a change through the web, for the audit log (accounts replace this with the signed-in user). */
export function webActor(request: FastifyRequest): Actor {
  return { userId: null, label: 'web', address: request.ip };
}
