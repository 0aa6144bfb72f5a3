import { Logger } from '@nestjs/common';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { errors, type NatsConnection } from '@nats-io/transport-node';
import { backoffDelay } from '../runner/backoff.js';

const SECOND_NS = 1_000_000_000;

/** How long start-up waits for a JetStream that is not ready yet (a cluster electing its leaders). */
const JETSTREAM_READY_TIMEOUT_MS = 30_000;
/** The pauses between two attempts while JetStream is not ready. */
const JETSTREAM_READY_BACKOFF = { firstMs: 200, maxMs: 2_000 } as const;

export interface StreamDefinition {
  name: string;
  subjects: readonly string[];
}

/**
 * Creates the stream with `replicas` replicas, or brings an existing one to them and to its
 * subjects (JetStream moves a stream to more or fewer replicas in place; the durable consumers are
 * brought along by DurableConsumer). Safe to call from every replica at start-up: a concurrent
 * create by another replica is treated as success. While JetStream is not ready yet (a cluster
 * electing its leaders) it tries again for up to 30 s.
 */
export async function ensureStream(nc: NatsConnection, stream: StreamDefinition, replicas = 1): Promise<void> {
  if (replicas > 1 && !nc.info?.cluster) {
    // A lone server refuses to create such a stream, but accepts an update to it and then claims
    // replicas it does not have: refuse before either.
    throw new Error(
      `NATS_STREAM_REPLICAS=${replicas} needs a NATS cluster of at least ${replicas} JetStream servers, but ${nc.getServer()} is not part of a cluster`,
    );
  }
  const logger = new Logger('Nats');
  const wanted: Partial<StreamConfig> & { name: string } = {
    name: stream.name,
    subjects: [...stream.subjects],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: replicas,
    // Message ids (the event id) are remembered this long, so a relay that publishes again after a
    // crash does not store the event twice.
    duplicate_window: 120 * SECOND_NS,
  };
  await whenJetStreamReady(`stream ${stream.name}`, async () => {
    const jsm = await jetstreamManager(nc);
    const info = await streamInfo(jsm, stream.name);
    if (!info) return createStream(jsm, wanted);
    const subjects = [...new Set([...(info.config.subjects ?? []), ...stream.subjects])];
    const replicasNow = info.config.num_replicas;
    if (subjects.length === (info.config.subjects ?? []).length && replicasNow === replicas) return;
    await jsm.streams.update(stream.name, { ...info.config, subjects, num_replicas: replicas });
    if (replicasNow !== replicas) logger.log(`stream ${stream.name}: replicas ${replicasNow} → ${replicas}`);
  });
}

async function streamInfo(jsm: JetStreamManager, name: string) {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (isApiError(err, JetStreamApiCodes.StreamNotFound)) return null;
    throw err;
  }
}

async function createStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (addErr) {
    // Another replica created it between our info and add.
    await jsm.streams.info(config.name).catch(() => {
      throw addErr;
    });
  }
}

/** A JetStream API error with this error code (`JetStreamApiCodes`). */
export function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

/**
 * Runs a JetStream administration step, again while JetStream answers that it is not ready or does
 * not answer in time (a cluster that has just started, or lost the node that led its metadata),
 * for up to 30 s. An error JetStream gave on purpose (bad configuration, not enough servers for
 * the replicas) fails at once.
 */
export async function whenJetStreamReady<T>(what: string, step: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + JETSTREAM_READY_TIMEOUT_MS;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (err) {
      if (!isNotReady(err) || Date.now() > deadline) throw new Error(`JetStream ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      new Logger('Nats').warn(`JetStream not ready for ${what} (${err instanceof Error ? err.message : String(err)}); trying again`);
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(JETSTREAM_READY_BACKOFF, attempt)));
    }
  }
}

/** "JetStream system temporarily unavailable" (503, 10008), or no answer in time. */
function isNotReady(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return err.status === 503 || err.code === JETSTREAM_NOT_AVAILABLE;
  return err instanceof errors.TimeoutError || (err instanceof errors.RequestError && err.cause instanceof errors.TimeoutError);
}

/** JetStream's error code for "JetStream system temporarily unavailable". */
const JETSTREAM_NOT_AVAILABLE = 10008;
