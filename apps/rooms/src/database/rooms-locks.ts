/**
 * pg advisory lock keys of the rooms service. `reservationFence` is the first key of the two-key locks
 * (`pg_advisory_xact_lock(reservationFence, hashtext(room id))`) of the reservation fence.
 */
export const ROOMS_LOCKS = { migrations: 0x524f4f4d, outbox: 0x524f4f4e, reservationFence: 0x524f4f4f } as const;
