import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

/** Files worth compressing: text formats, above a size where the headers would eat the gain. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|map|wasm)$/
const MIN_BYTES = 1024

/** Every compressible file under `dir`, recursively. */
function compressibleFiles(dir: string): string[] {
  const files: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) files.push(...compressibleFiles(path))
    else if (COMPRESSIBLE.test(name) && statSync(path).size >= MIN_BYTES) files.push(path)
  }
  return files
}

/**
 * Writes `<file>.br` and `<file>.gz` beside each built text file, so the server sends them as
 * they are (`@fastify/static` `preCompressed`) instead of compressing on every request or not
 * at all: a class of 100 phones loading the app at once is then ~5× fewer bytes on the Wi-Fi,
 * at no CPU cost to the server. Brotli at its best quality: it runs once per build.
 */
export function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'pbft:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir)
    },
    closeBundle() {
      let raw = 0
      let brotli = 0
      const files = compressibleFiles(outDir)
      for (const path of files) {
        const data = readFileSync(path)
        const br = brotliCompressSync(data, {
          params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
        })
        writeFileSync(`${path}.br`, br)
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }))
        raw += data.length
        brotli += br.length
      }
      this.info?.(`precompressed ${files.length} files under ${relative(process.cwd(), outDir) || '.'}: ${Math.round(raw / 1024)} KB → ${Math.round(brotli / 1024)} KB brotli`)
    },
  }
}
