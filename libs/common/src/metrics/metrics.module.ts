import { Controller, Get, Header, Module, type DynamicModule } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Metrics } from './metrics.js';

/** `GET /metrics`: the Prometheus text format. Not part of the API document. */
@Controller('metrics')
@ApiExcludeController()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  async scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}

/**
 * Makes the process's `Metrics` injectable everywhere and, when metrics are enabled, serves them at
 * `GET /metrics` on the service's HTTP listener.
 */
@Module({})
export class MetricsModule {
  static forRoot(metrics: Metrics): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: metrics.enabled ? [MetricsController] : [],
      providers: [{ provide: Metrics, useValue: metrics }],
      exports: [Metrics],
    };
  }
}
