import { LIMITS } from '@livechat/contracts';

/**
 * `config.settings` of `livechat/config` (docs/api.md#widget-bootstrap): the reference's keys that tell its widget what this
 * product does, each set to what is true here. Constant: these are capabilities, not settings an
 * operator changes. What the product does not serve is off: file uploads, transcripts, video calls,
 * the offline form (`livechat/offline.message`), switching departments (`visitor/department.transfer`).
 */
export const WIDGET_SETTINGS = {
  registrationForm: true,
  nameFieldRegistrationForm: true,
  emailFieldRegistrationForm: true,
  allowSwitchingDepartments: false,
  displayOfflineForm: false,
  fileUpload: false,
  transcript: false,
  videoCall: false,
  showConnecting: false,
  agentHiddenInfo: false,
  visitorsCanCloseChat: true,
  limitTextLength: LIMITS.message,
} as const;
