import { DatabaseConfig } from '@livechat/common';

export class RoomsConfig extends DatabaseConfig {}

export const ROOMS_CONFIG = Symbol('ROOMS_CONFIG');
