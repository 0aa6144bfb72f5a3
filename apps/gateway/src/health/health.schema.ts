import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** `GET /health` (no envelope: it is not part of the reference's API), for the API document. */
@ApiSchema({ name: 'Health' })
export class HealthSchema {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty({ enum: ['connected'] })
  nats: 'connected';
}
