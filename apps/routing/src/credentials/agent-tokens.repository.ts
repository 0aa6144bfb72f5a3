import { Injectable } from '@nestjs/common';
import { sql } from '@livechat/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { AgentTokenEntity } from './agent-token.entity.js';

/** An agent and the hashes of the tokens they hold. */
export interface AgentWithTokens {
  id: string;
  username: string;
  name: string | null;
  hashes: Buffer[];
}

/** `routing.agent_tokens` (see its migration): the hashes of the agents' tokens. */
@Injectable()
export class AgentTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores a token's hash for the agent and revokes the agent's oldest tokens past `keep`, in one
   * transaction. Answers false when no agent has this id (the foreign key decides, also against a
   * concurrent delete of the agent).
   */
  async insert(agentId: string, hash: Buffer, at: Date, keep: number): Promise<boolean> {
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.getRepository(AgentTokenEntity).insert({ tokenHash: hash, agentId, createdAt: at });
        await sql(manager,
          `DELETE FROM routing.agent_tokens WHERE agent_id = $1 AND token_hash IN (
             SELECT token_hash FROM routing.agent_tokens WHERE agent_id = $1 ORDER BY created_at DESC, token_hash OFFSET $2)`,
          [agentId, keep],
        );
      });
      return true;
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { constraint?: string })?.constraint === 'agent_tokens_agent_fkey') return false;
      throw err;
    }
  }

  /** The agent and the hashes of their tokens, in one statement; null when the agent has none (or does not exist). */
  async agentWithTokens(agentId: string): Promise<AgentWithTokens | null> {
    const rows = await sql<{ id: string; username: string; name: string | null; hash: Buffer }>(this.dataSource.manager,
      `SELECT a.id, a.username, a.name, t.token_hash AS hash
         FROM routing.agents a JOIN routing.agent_tokens t ON t.agent_id = a.id
        WHERE a.id = $1`,
      [agentId],
    );
    if (rows.length === 0) return null;
    const [{ id, username, name }] = rows;
    return { id, username, name, hashes: rows.map((r) => r.hash) };
  }

  /** Revokes one token of the agent; answers whether it was there. */
  async delete(agentId: string, hash: Buffer): Promise<boolean> {
    const result = await this.dataSource.getRepository(AgentTokenEntity).delete({ agentId, tokenHash: hash });
    return (result.affected ?? 0) > 0;
  }
}
