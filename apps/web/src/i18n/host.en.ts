/** English texts of the host dashboard and the history/replay page (merged into `en.ts` as `host`). */
export const hostEn = {
  title: 'Host a session',
}
