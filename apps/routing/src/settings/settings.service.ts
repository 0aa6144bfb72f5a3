import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RpcException } from '@nestjs/microservices';
import { ERRORS } from '@livechat/contracts';
import type { Repository } from 'typeorm';
import { CapacitySignal } from '../assignment/capacity.signal.js';
import { SettingEntity } from './setting.entity.js';
import { isValidSetting } from './settings.parser.js';

/**
 * Changes the routing settings. They are read from the database for every decision (with the agent
 * pool's snapshot), so a change made through one replica takes effect at once on all of them.
 */
@Injectable()
export class SettingsService {
  constructor(
    @InjectRepository(SettingEntity) private readonly settings: Repository<SettingEntity>,
    private readonly capacity: CapacitySignal,
  ) {}

  /** Sets one setting; an unknown id or a value of the wrong type is refused. */
  async set(id: string, value: unknown): Promise<void> {
    if (!isValidSetting(id, value)) throw new RpcException(ERRORS.invalidSetting);
    await this.settings.upsert({ id, value }, ['id']);
    // Any setting may make an agent eligible (a raised limit, idle agents allowed, a method change).
    this.capacity.changed();
  }
}
