import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agents' credentials (docs/api.md#agents-sign-in): each token an agent holds, stored only as its SHA-256 (the token
 * itself is shown once, by `users.createToken`). An agent may hold several; deleting the agent deletes
 * them all (the foreign key cascades, in the agent's own DELETE). A token is checked by reading the
 * agent's hashes (`agent_tokens_agent_idx`) and comparing each with a timing-safe compare, so the
 * database never compares a value derived from a presented secret.
 */
export class AgentTokens1764810000000 implements MigrationInterface {
  name = 'AgentTokens1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE routing.agent_tokens (
        token_hash  bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
        agent_id    text NOT NULL,
        created_at  timestamptz NOT NULL,
        CONSTRAINT agent_tokens_agent_fkey FOREIGN KEY (agent_id) REFERENCES routing.agents (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX agent_tokens_agent_idx ON routing.agent_tokens (agent_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE routing.agent_tokens`);
  }
}
