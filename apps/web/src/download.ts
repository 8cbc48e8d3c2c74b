/**
 * Saves `blob` as a file through a temporary `<a download>`: works offline, needs no server
 * round trip, and lets the browser's own download UI take over.
 */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // Revoking at once can cancel the download in some browsers; a minute later is always safe.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
