import { RpcException } from '@nestjs/microservices';
import type { NatsRpcClient } from '@livechat/common';
import { ERRORS, ROUTING_COMMANDS, type AdmitRoomCommand, type AdmitRoomReply } from '@livechat/contracts';
import type { RoomsConfig } from '../config/rooms.config.js';
import { RoutingClient } from './routing.client.js';

type Answer = AdmitRoomReply | RpcException;

/** An RPC client whose requests get these answers in turn: a reply, or a failure as the transport reports it. */
function rpcAnswering(...answers: Answer[]) {
  const request = vi.fn(async (_subject: string, _payload: unknown, _deadlineMs?: number) => {
    const answer = answers.shift();
    if (!answer) throw new Error('no more answers');
    if (answer instanceof RpcException) throw answer;
    return answer;
  });
  return { nc: { request } as unknown as NatsRpcClient, request };
}

const lostWithANode = () => new RpcException(ERRORS.timeout);
const noResponders = () => new RpcException(ERRORS.serviceUnavailable);
const cmd = (fields: Partial<AdmitRoomCommand> = {}): AdmitRoomCommand => ({
  roomId: 'room1', name: 'Mary', visitor: { _id: 'v1', username: 'guest-1', token: 't' }, queuedAt: '2026-01-01T00:00:00.000Z', ...fields,
});
const config = { ADMISSION_TIMEOUT_MS: 1_000, RPC_TIMEOUT_MS: 5_000 } as RoomsConfig;

describe('RoutingClient.admit', () => {
  it("asks again when a request got no answer in time (lost with a NATS node), and follows routing's answer", async () => {
    const { nc, request } = rpcAnswering(lostWithANode(), { verdict: 'no-agent-online' });
    const reply = await new RoutingClient(nc, config).admit(cmd({ departmentId: 'sales' }));
    expect(reply).toEqual({ verdict: 'no-agent-online' });
    expect(request).toHaveBeenCalledTimes(2);
    expect(request.mock.calls.map((call) => [call[0], call[2]])).toEqual([
      [ROUTING_COMMANDS.admitRoom, 1_000],
      [ROUTING_COMMANDS.admitRoom, 1_000],
    ]);
  });

  it("asks again after no responders (routing's replicas subscribing again on a live node)", async () => {
    const { nc, request } = rpcAnswering(noResponders(), { verdict: 'disabled' });
    expect(await new RoutingClient(nc, config).admit(cmd())).toEqual({ verdict: 'disabled' });
    expect(request).toHaveBeenCalledTimes(2);
  });

  it("opens in the visitor's department without the checks when routing stays silent (it is down)", async () => {
    const { nc, request } = rpcAnswering(lostWithANode(), lostWithANode());
    expect(await new RoutingClient(nc, config).admit(cmd({ departmentId: 'sales' }))).toEqual({ verdict: 'open', departmentId: 'sales' });
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('opens without the checks when no routing replica is there at all', async () => {
    const { nc } = rpcAnswering(noResponders(), noResponders());
    expect(await new RoutingClient(nc, config).admit(cmd())).toEqual({ verdict: 'open' });
  });

  it("passes routing's own error on at once, without asking again", async () => {
    const { nc, request } = rpcAnswering(new RpcException(ERRORS.invalidDepartment));
    await expect(new RoutingClient(nc, config).admit(cmd({ departmentId: 'nope' }))).rejects.toBeInstanceOf(RpcException);
    expect(request).toHaveBeenCalledTimes(1);
  });
});
