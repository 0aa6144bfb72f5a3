/** pg advisory lock keys of the routing service. */
export const ROUTING_LOCKS = { migrations: 0x524f5554, outbox: 0x524f5555, dispatch: 0x524f5556 } as const;
