import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DURATION_BUCKETS, HistogramChildren, Metrics } from '@livechat/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onResponseHookHandler } from 'fastify';

/** Requests that matched no route (404s), under one label rather than their raw URLs. */
const UNMATCHED = 'unmatched';
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

type Observer = (request: FastifyRequest, reply: FastifyReply, route: string) => void;

/**
 * `livechat_http_request_duration_seconds{route, method, status_class}`: each request's time in the
 * gateway, from its arrival to the last byte of the reply, labelled by the route pattern
 * (`/api/v1/livechat/visitor/:token`, never the raw URL), the method and 2xx…5xx.
 *
 * The route pattern is bound when Fastify registers the route (an onRoute hook adds a response hook
 * per route), so a request costs one `observe` and nothing is allocated to find its labels. The hook
 * is added when this provider is made, which Nest does before it registers the routes (app.init).
 */
@Injectable()
export class HttpMetrics {
  constructor(adapterHost: HttpAdapterHost, metrics: Metrics) {
    if (!metrics.enabled) return;
    const histogram = metrics.histogram({
      name: 'livechat_http_request_duration_seconds',
      help: 'Time to answer an HTTP request in the gateway, by route pattern, method and status class',
      labelNames: ['route', 'method', 'status_class'],
      buckets: DURATION_BUCKETS,
    });
    const children = new HistogramChildren(histogram, ['route', 'method', 'status_class']);
    const observe: Observer = (request, reply, route) => {
      children.observe(reply.elapsedTime / 1000, route, request.method, STATUS_CLASSES[((reply.statusCode / 100) | 0) - 1] ?? 'other');
    };
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRoute', (route) => {
      const pattern = route.url ?? UNMATCHED;
      const hook: onResponseHookHandler = (request, reply, done: HookHandlerDoneFunction) => {
        observe(request, reply, pattern);
        done();
      };
      const existing = route.onResponse;
      route.onResponse = existing === undefined ? [hook] : Array.isArray(existing) ? [...existing, hook] : [existing, hook];
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      if (request.is404) observe(request, reply, UNMATCHED);
      done();
    });
  }
}
