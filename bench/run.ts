// bench/run.ts runs every `bench/*.bench.ts` (or those named on the command line) and rewrites
// `bench/results.md` from the per-benchmark sections kept in `bench/results/`, so running one
// benchmark does not erase the figures of the others.
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
await mkdir(join(here, 'results'), { recursive: true });
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`== ${name}`);
  const mod = (await import(join(here, file))) as { run(): Promise<string> };
  const section = await mod.run();
  const stamp = `_${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}_`;
  await writeFile(join(here, 'results', `${name}.md`), `## ${name}\n\n${stamp}\n\n${section.trim()}\n`);
  console.log(section);
}
const sections = (await readdir(join(here, 'results'))).filter((f) => f.endsWith('.md')).sort();
const parts = await Promise.all(sections.map((f) => readFile(join(here, 'results', f), 'utf8')));
await writeFile(
  join(here, 'results.md'),
  `# Benchmark results\n\nWritten by \`npm run bench\` (bench/run.ts); each section is the last run of that benchmark on the machine it names.\n\n${parts.join('\n')}`,
);
