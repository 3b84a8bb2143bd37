import Fastify, { type FastifyInstance } from 'fastify';

/**
 * createHttpServer makes the fastify instance every Plateau process serves from. Bodies arrive as raw
 * text for every content type, because the Mesos APIs must answer malformed JSON and foreign content
 * types in Mesos's own words rather than fastify's.
 */
export function createHttpServer(options: { logger?: boolean } = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 64 * 1024 * 1024, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  return app;
}
