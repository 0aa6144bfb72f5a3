import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { RpcException } from '@nestjs/microservices';
import { ERRORS } from '@livechat/contracts';
import type { Repository } from 'typeorm';
import { SettingEntity } from './setting.entity.js';
import { isValidSetting } from './settings.parser.js';

/**
 * Changes the routing settings. They are read from the database for every decision (with the agent
 * pool's snapshot), so a change made through one replica takes effect at once on all of them.
 */
@Injectable()
export class SettingsService {
  constructor(@InjectRepository(SettingEntity) private readonly settings: Repository<SettingEntity>) {}

  /** Sets one setting; an unknown id or a value of the wrong type is refused. */
  async set(id: string, value: unknown): Promise<void> {
    if (!isValidSetting(id, value)) throw new RpcException(ERRORS.invalidSetting);
    await this.settings.upsert({ id, value }, ['id']);
  }
}
