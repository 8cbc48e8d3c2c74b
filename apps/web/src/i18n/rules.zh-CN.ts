import type { Dictionary } from './messages'
import type { rulesEn } from './rules.en'

/** 法定人数规则与三种结果的中文说法（并入 `zh-CN.ts` 的 `rules`）。 */
export const rulesZhCN: Dictionary<typeof rulesEn> = {
  name: {
    original: '原始规则',
    'castro-liskov': 'Castro–Liskov 规则',
  },
  label: '法定人数规则：{rule}',
  short: {
    original: '原始',
    'castro-liskov': 'Castro–Liskov',
  },
  explain: {
    original: '原系统的规则：副本只计算其他副本的投票（需要 2f 票），所以有 f 个副本沉默时，任何一轮都无法达成决定。',
    'castro-liskov': 'PBFT 论文的规则：副本也计算自己的一票，所以最多 f 个副本沉默时，这一轮仍能达成决定。',
  },
  other: {
    original: '另一个选项是 PBFT 论文的 Castro–Liskov 规则，它也计算每个副本自己的一票：最多 f 名学生不操作时，全班仍能达成决定。',
    'castro-liskov': '另一个选项是原系统的规则，它从不计算副本自己的一票：四人中只要有一名学生沉默，任何一轮都无法达成决定。',
  },
  outcome: {
    success: '成功',
    'no-decision': '未达成决定',
    'safety-violated': '安全性被破坏',
  },
}
