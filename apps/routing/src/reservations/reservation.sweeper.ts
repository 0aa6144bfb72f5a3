import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Runner } from '@livechat/common';
import { ROUTING_CONFIG, type RoutingConfig } from '../config/routing.config.js';
import { RoomsClient } from '../rooms-client/rooms.client.js';
import { ReservationsService } from './reservations.service.js';

const BATCH = 100;

/**
 * The safety net of reservations: every RESERVATION_SWEEP_MS, reservations past their deadline that
 * nothing settled (rooms was killed between routing's answer and its insert, or its release request
 * was lost) are put to rooms, which answers under the fence (no served insert of those rooms can happen
 * any more) what became of each room; each is then confirmed, given back and queued, or voided. Every
 * replica sweeps; the conditional status changes make each transition happen once.
 */
@Injectable()
export class ReservationSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sweeps: Runner;

  constructor(
    private readonly reservations: ReservationsService,
    private readonly rooms: RoomsClient,
    @Inject(ROUTING_CONFIG) config: RoutingConfig,
  ) {
    // rooms away (or the database): back off, up to 5 s, rather than ask again every sweep.
    const backoff = { firstMs: 2 * config.RESERVATION_SWEEP_MS, maxMs: 5_000 };
    this.sweeps = new Runner(
      { name: 'reservation sweep', logger: new Logger('Reservations'), backoff, everyMs: config.RESERVATION_SWEEP_MS, describe },
      () => this.sweep(),
    );
  }

  onApplicationBootstrap(): void {
    this.sweeps.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeps.stop();
  }

  /** Settles the reservations past their deadline, a batch at a time, until none is left. */
  async sweep(): Promise<void> {
    for (;;) {
      const due = await this.reservations.due(BATCH);
      if (due.length === 0) return;
      const { outcomes } = await this.rooms.fenceReservations({ reservations: due.map((d) => ({ roomId: d.roomId, deadline: d.deadline.toISOString() })) });
      await this.reservations.opened(outcomes.flatMap((o) => (o.state === 'present' && o.room.open ? [{ room: o.room }] : [])));
      for (const o of outcomes) if (o.state === 'present' && !o.room.open) await this.reservations.closed(o.room, new Date(o.room.closedAt ?? Date.now()));
      await this.reservations.void(outcomes.filter((o) => o.state === 'absent').map((o) => o.roomId));
      if (due.length < BATCH || outcomes.every((o) => o.state === 'pending')) return;
    }
  }
}

/** An RPC failure by its domain error (`timeout`, `service-unavailable`), anything else as it prints. */
function describe(err: unknown): string {
  return err instanceof RpcException ? JSON.stringify(err.getError()) : String(err);
}
