import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { NatsRpcClient, type NatsRpcClientOptions } from './nats-rpc.client.js';

@Injectable()
class NatsRpcClientCloser implements OnApplicationShutdown {
  constructor(@Inject(NatsRpcClient) private readonly client: NatsRpcClient) {}

  /** Last (after the NATS server and the HTTP listener): requests in hand may still be calling. */
  onApplicationShutdown(): Promise<void> {
    return this.client.close();
  }
}

/** The service's NatsRpcClient, connected before anything uses it and drained at shutdown. */
@Module({})
export class NatsRpcClientModule {
  static forRoot(options: NatsRpcClientOptions): DynamicModule {
    return {
      module: NatsRpcClientModule,
      global: true,
      providers: [
        {
          provide: NatsRpcClient,
          useFactory: async () => {
            const client = new NatsRpcClient(options);
            await client.connect();
            return client;
          },
        },
        NatsRpcClientCloser,
      ],
      exports: [NatsRpcClient],
    };
  }
}
