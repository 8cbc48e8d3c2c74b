import type { Dictionary } from './messages'
import type { hostEn } from './host.en'

/** 主持面板与历史回放页的文字（并入 `zh-CN.ts` 的 `host`）。 */
export const hostZhCN: Dictionary<typeof hostEn> = {
  title: '主持会话',
}
