import type { Dictionary } from './messages'
import type { hostViewsEn } from './host.views.en'

/** 主持页面上关于视图与客户端的文字（并入 `host`）：一键课程、视图与主节点、视图计时器、客户端的回复。 */
export const hostViewsZhCN: Dictionary<typeof hostViewsEn> = {
  presets: {
    legend: '一键课程',
    intro: '每个课程都会立即创建一个会话，副本和故障都已设好；下面的设置（时间、机器人代操作）仍然有效。',
    start: '开始课程：{name}',
    size: 'N = {nodes}',
    names: {
      'silent-primary': '沉默的主节点',
      'equivocating-primary': '两面派主节点',
      'crash-after-prepare': '主节点在 f + 1 个副本准备后崩溃',
      'two-faulty-primaries': '连续两个故障主节点（N = 7）',
    },
    lessons: {
      'silent-primary': '副本 0 是主节点却一言不发：其他副本的计时器到时，它们要求更换主节点，副本 1 在视图 1 中让请求得到决定。',
      'equivocating-primary': '副本 0 对一些副本说一个值，对另一些说另一个值：没有哪个值得到足够的票，于是全班替换它，由副本 1 做出决定。',
      'crash-after-prepare': '副本 0 只发给了两个备份副本就停下了；它们准备了这个值，新的主节点必须在视图 1 中重新提议同一个值。',
      'two-faulty-primaries': '7 个副本中，副本 0 沉默，接着副本 1 提议了另一个值，被诚实副本拒绝；副本 2 在视图 2 中做出决定。',
    },
  },
  views: {
    view: '视图 {view}',
    primary: '主节点：副本 {id}',
    replaced: '已被替换的主节点：{replicas}',
    timer: '视图计时器：还剩 {seconds} 秒',
    timerExpired: '视图计时器已到时：副本们要求更换主节点',
    timerLabel: '视图计时器的剩余时间',
    next: '下一个视图',
    nextHint: '立即替换主节点（开始下一个视图）',
    allowed: '最多 {count} 个视图',
    client: '客户端',
  },
  client: {
    name: '客户端',
    request: '客户端请求的是 {value}',
    accepted: '{count}/{needed} 个一致的回复：已接受',
    waiting: '{count}/{needed} 个一致的回复：等待中',
  },
}
