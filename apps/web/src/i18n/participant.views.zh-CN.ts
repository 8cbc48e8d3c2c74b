import type { Dictionary } from './messages'
import type { participantViewsEn } from './participant.views.en'

/** 手机上关于视图与客户端的文字（并入 `participant` 的 `views`）。 */
export const participantViewsZhCN: Dictionary<typeof participantViewsEn> = {
  now: '视图 {view} · {role}：{who}',
  clientName: '客户端',
  timer: {
    left: '你的视图计时器：还剩 {seconds} 秒',
    expired: '你的视图计时器已到时',
    label: '你的视图计时器的剩余时间',
  },
  ask: {
    title: '没有及时做出决定',
    button: '要求更换{leader}',
    sent: '你已要求更换{leader}，正在等待其他人…',
  },
  newPrimary: {
    title: '你是新的{leader}（视图 {view}）',
    collected: '更换{leader}的请求：已有 {count} 个，需要 {needed} 个',
    from: '来自{who}',
    reProposal: '你必须重新提议的：',
    reProposalPrepared: '在视图 {view} 中由{who}准备',
    reProposalRequest: '客户端的请求（没有人准备过任何值）',
    send: '发送 NEW-VIEW',
    otherValue: '改为提议另一个值（诚实的{replicas}会核对）',
    otherValueLabel: '另一个值',
  },
  refused: '你拒绝了新{leader}的提议 {value}：它附带的更换{leader}请求要求的是另一个值。',
  accepted: '你接受了新{leader}的提议 {value}：视图 {view} 从它开始。',
  client: {
    title: '你是客户端',
    request: '你的请求：{value}',
    send: '发送请求',
    accepted: '{count}/{needed} 个一致的回复：已接受 {value}',
    waiting: '{count}/{needed} 个一致的回复：等待中',
  },
  explain: {
    requestClient: '你是客户端：把请求发给{proposer}。当 {k} 个{replicas}回复了相同的结果时你就接受它，这样其中至少有一个是诚实的。',
    request: '客户端把请求发给{proposer}。你一知道这个请求，你的视图计时器就开始走：如果没有及时做出决定，你就要求更换{leader}。',
    reply: '你已做出决定，所以回复客户端。客户端收到 {k} 个{replicas}的相同结果后接受，这样其中至少有一个是诚实的。',
    replyWait: '做出决定的{replicas}回复客户端。客户端收到其中 {k} 个相同的结果后接受。',
    ask: '你的计时器在做出决定之前到时了：{proposer}可能有故障。要求更换{leader}；你的请求附带你已准备的内容，以免丢失可能已被决定的值。',
    wait: '计时器到时的{replicas}要求更换{leader}。当其中 {k} 个提出要求后，下一个{leader}接手。',
    collect: '你是下一个{leader}：你需要其他人发来的 {k} 个更换{leader}请求，这样其中至少有一个见过可能已被决定的值。',
    send: '你已有所需的 {k} 个请求：开始新的视图。你必须重新提议其中显示为已准备的值（或客户端的请求）；其他人会核对。',
    sendByzantine: '你是新的{leader}：你可以提议另一个值。诚实的{replicas}会根据你发来的请求算出你应当提议什么，不符就拒绝。',
    newViewWait: '等待新的{leader}：你会用它附带的更换{leader}请求来核对它的提议，不是这些请求要求的值就拒绝。',
  },
  story: {
    view: '在视图 {view} 中做出决定，新的{leader}是{who}。',
    viewsTried: '尝试的 {count} 个视图都没有做出决定。',
    replaced: '{who}没能让大家做出决定，被替换下{leader}的位置。',
    clientAccepted: '作为客户端，你收到了 {count} 个一致的回复，接受了 {value}。',
    clientWaiting: '作为客户端，你只收到了所需 {needed} 个一致回复中的 {count} 个。',
  },
}
