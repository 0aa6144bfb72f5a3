import { Module, type DynamicModule } from '@nestjs/common';
import { Outbox, OUTBOX_OPTIONS, type OutboxOptions } from './outbox.js';

@Module({})
export class OutboxModule {
  static forRoot(options: OutboxOptions): DynamicModule {
    return {
      module: OutboxModule,
      global: true,
      providers: [{ provide: OUTBOX_OPTIONS, useValue: options }, Outbox],
      exports: [Outbox],
    };
  }
}
