import { jetstreamManager, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

const SECOND_NS = 1_000_000_000;

/**
 * Creates the stream, or updates its subjects when they changed. Safe to call from every replica
 * at start-up: a concurrent create by another replica is treated as success.
 */
export async function ensureStream(
  nc: NatsConnection,
  stream: { name: string; subjects: readonly string[] },
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const wanted: Partial<StreamConfig> & { name: string } = {
    name: stream.name,
    subjects: [...stream.subjects],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    // Message ids (the event id) are remembered this long, so a relay that publishes again after a
    // crash does not store the event twice.
    duplicate_window: 120 * SECOND_NS,
  };
  try {
    const info = await jsm.streams.info(stream.name);
    const missing = stream.subjects.filter((s) => !info.config.subjects?.includes(s));
    if (missing.length > 0) {
      await jsm.streams.update(stream.name, { ...info.config, subjects: [...new Set([...(info.config.subjects ?? []), ...stream.subjects])] });
    }
  } catch (err) {
    if (!isStreamNotFound(err)) throw err;
    try {
      await jsm.streams.add(wanted);
    } catch (addErr) {
      // Another replica created it between our info and add.
      await jsm.streams.info(stream.name).catch(() => {
        throw addErr;
      });
    }
  }
}

function isStreamNotFound(err: unknown): boolean {
  const e = err as { code?: number | string; api_error?: { err_code?: number }; message?: string };
  return e?.api_error?.err_code === 10059 || /stream not found/i.test(String(e?.message));
}
