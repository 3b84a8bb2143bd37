import type http from 'node:http';
import Fastify, { type FastifyInstance, type FastifyServerFactory } from 'fastify';

/**
 * createHttpServer makes the fastify instance every Plateau process serves from. Bodies arrive as raw
 * text for every content type, because the Mesos APIs must answer malformed JSON and foreign content
 * types in Mesos's own words rather than fastify's.
 */
export function createHttpServer(options: { logger?: boolean; serverFactory?: (handler: http.RequestListener) => http.Server } = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 64 * 1024 * 1024,
    forceCloseConnections: true,
    ...(options.serverFactory ? { serverFactory: options.serverFactory as FastifyServerFactory<http.Server> } : {}),
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  return app;
}
