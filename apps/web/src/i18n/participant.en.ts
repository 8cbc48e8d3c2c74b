/** English texts of the join and node (phone) pages (merged into `en.ts` as `participant`). */
export const participantEn = {
  title: 'Your replica',
}
