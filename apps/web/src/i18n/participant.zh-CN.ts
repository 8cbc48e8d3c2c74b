import type { Dictionary } from './messages'
import type { participantEn } from './participant.en'

/** 加入页与节点（手机）页的文字（并入 `zh-CN.ts` 的 `participant`）。 */
export const participantZhCN: Dictionary<typeof participantEn> = {
  title: '你的副本',
}
