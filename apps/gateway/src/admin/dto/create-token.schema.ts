import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ID_DOC, SuccessReplySchema } from '../../docs/common.schema.js';

@ApiSchema({ name: 'AgentToken' })
export class AgentTokenSchema {
  @ApiProperty({ ...ID_DOC, description: "The agent's _id: their X-User-Id" })
  userId: string;

  @ApiProperty({ description: 'Their X-Auth-Token: shown this once (only its hash is kept)', example: 'mQ0e3v6bV2x8Zp1rT9kL4sW7yN5cA0fH2jD6gU8iE1o' })
  authToken: string;
}

@ApiSchema({ name: 'CreateTokenReply' })
export class CreateTokenReplySchema extends SuccessReplySchema {
  @ApiProperty({ type: () => AgentTokenSchema })
  data: AgentTokenSchema;
}
