// Bundles the IDE into dist/: content-hashed assets (cached forever) and an index.html naming them.
// Run by the CodeRunner.csproj build (npm run build); the binary embeds dist/** as resources.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
await rm(dist, { recursive: true, force: true });

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/app.js', 'src/app.css'],
  entryNames: 'assets/[name]-[hash]',
  chunkNames: 'assets/chunk-[hash]',
  splitting: true,
  outdir: dist,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

const outputs = {};
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (meta.entryPoint) {
    outputs[basename(meta.entryPoint)] = '/' + file.slice('dist/'.length);
  }
}

// Static files copied with a content hash in their name.
for (const name of ['favicon.svg']) {
  const bytes = await readFile(join(root, 'src', name));
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 8).toUpperCase();
  const hashed = `assets/${basename(name, extname(name))}-${hash}${extname(name)}`;
  await writeFile(join(dist, hashed), bytes);
  outputs[name] = '/' + hashed;
}

let html = await readFile(join(root, 'src', 'index.html'), 'utf8');
html = html.replace(/%([a-z.]+)%/g, (match, name) => {
  if (!outputs[name]) throw new Error(`index.html names ${match}, which the build did not produce`);
  return outputs[name];
});
await mkdir(dist, { recursive: true });
await writeFile(join(dist, 'index.html'), html);

// Pre-compressed twins, served when the browser accepts gzip.
const files = [join(dist, 'index.html'), ...Object.values(outputs).map(p => join(dist, p)),
  ...Object.keys(result.metafile.outputs).filter(f => f.includes('/chunk-')).map(f => join(root, f))];
for (const file of files) {
  const bytes = await readFile(file);
  await writeFile(file + '.gz', gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }));
}
console.log(`web: ${files.length} files in dist/ (entry ${outputs['app.js']})`);
