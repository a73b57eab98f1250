/**
 * Legacy OLE2 inputs converted with LibreOffice when `soffice` is installed, else a clear
 * error: Word and WPS texts (.doc / .wps) to DOCX (Debian: `apt-get install
 * libreoffice-writer-nogui`), Excel and WPS sheets (.xls / .et) to XLSX
 * (`libreoffice-calc-nogui`).
 *
 * A document must never make the converting machine reach the network or read files outside
 * the input (a field `INCLUDEPICTURE "http://…"`, an image linked to a URL or a local path makes
 * LibreOffice fetch it while it loads the document). So LibreOffice runs
 * - without a network: in a network namespace of its own (`unshare --net`, or with a user
 *   namespace where only those are allowed), checked once per process — where the system allows
 *   neither, the settings below still hold;
 * - with a fresh profile in the conversion's temporary folder whose settings block links from
 *   an untrusted document (no linked file or URL is loaded), never update links, and send any
 *   request that would remain to a proxy on this machine's discard port; proxy variables of the
 *   environment are not passed on.
 *
 * A conversion works in a temporary folder named after its task (`jixiao-doc-<task>-…`,
 * holding the input's copy and LibreOffice's profile). When the batch stops a file for its
 * time limit, the worker process is killed mid-conversion and cannot clean up after itself:
 * the batch then calls `cleanupConversion(task)`, which kills every process still working in
 * that folder and removes it. The file's time limit is the conversion's: it has none of its own.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { InputError } from '../errors.js';
import { pidsRunning } from '../procmem.js';

const run = promisify(execFile);

/** The first of `names` that is an executable on PATH (found without running it). */
async function onPath(names: readonly string[]): Promise<string | null> {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (await access(file, constants.X_OK).then(() => true, () => false)) return file;
    }
  }
  return null;
}

/** What LibreOffice is started under so that it has no network: a command prefix, or none where the system allows no namespace. */
let isolation: Promise<string[]> | null = null;
export function networkIsolation(): Promise<string[]> {
  isolation ??= (async () => {
    const unshare = await onPath(['unshare']);
    if (!unshare) return [];
    // As root a network namespace; otherwise one inside a user namespace, where the system allows those.
    for (const flags of [['--net'], ['--map-root-user', '--net']]) {
      const ok = await run(unshare, [...flags, '--', 'true']).then(() => true, () => false);
      if (ok) return [unshare, ...flags, '--'];
    }
    return [];
  })();
  return isolation;
}

/** The profile's settings (registrymodifications.xcu): no linked file or URL loaded, no link updated, no way out but a dead proxy. */
const SETTINGS = [
  ['/org.openoffice.Office.Common/Security/Scripting', 'BlockUntrustedRefererLinks', 'true'],
  ['/org.openoffice.Office.Writer/Content/Update', 'Link', '2'],
  ['/org.openoffice.Office.Calc/Content/Update', 'Link', '2'],
  ['/org.openoffice.Inet/Settings', 'ooInetProxyType', '2'],
  ...['HTTP', 'HTTPS', 'FTP'].flatMap((p) => [
    ['/org.openoffice.Inet/Settings', `ooInet${p}ProxyName`, '127.0.0.1'],
    ['/org.openoffice.Inet/Settings', `ooInet${p}ProxyPort`, '9'],
  ]),
  ['/org.openoffice.Inet/Settings', 'ooInetNoProxy', ''],
];

function registryModifications(): string {
  const items = SETTINGS.map(([at, name, value]) => `<item oor:path="${at}"><prop oor:name="${name}" oor:op="fuse"><value>${value}</value></prop></item>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n${items.join('\n')}\n</oor:items>\n`;
}

/** This process's environment without proxy settings (LibreOffice would route requests through them). */
function withoutProxies(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?|ftp|all|no)_proxy$/i.test(k)));
}

const PREFIX = 'jixiao-doc-';

/** What a legacy file becomes: a text (.doc, .wps) a DOCX, a sheet (.xls, .et) an XLSX. */
const TARGET = {
  docx: { from: 'doc', what: '.doc', kind: 'a Word document', pkg: 'libreoffice-writer-nogui', part: 'text (Writer)', lib: 'libswlo.so' },
  xlsx: { from: 'xls', what: '.xls', kind: 'an Excel workbook', pkg: 'libreoffice-calc-nogui', part: 'spreadsheet (Calc)', lib: 'libsclo.so' },
} as const;

/**
 * Whether the LibreOffice at `soffice` has the component that reads a legacy file of this kind
 * (Debian installs Writer and Calc as separate packages; without Calc, soffice converts no .xls
 * and says only that the source could not be loaded). Judged by the component's library beside
 * the program (soffice's real path); an installation laid out otherwise is assumed complete.
 */
export async function hasComponent(soffice: string, to: keyof typeof TARGET): Promise<boolean> {
  const program = path.dirname(await realpath(soffice).catch(() => soffice));
  const known = await access(path.join(program, 'libmergedlo.so')).then(() => true, () => false);
  if (!known) return true;
  return access(path.join(program, TARGET[to].lib)).then(() => true, () => false);
}

/** Whether this machine can convert a legacy file of this kind: LibreOffice on PATH, with the component it needs. */
export async function canConvertLegacy(to: keyof typeof TARGET): Promise<boolean> {
  const soffice = await onPath(['soffice', 'libreoffice']);
  return soffice != null && (await hasComponent(soffice, to));
}

export async function convertLegacyDoc(bytes: Buffer, file: string, task = 'x'): Promise<Buffer> {
  return convertLegacy(bytes, file, 'docx', task);
}

/** A legacy text or sheet converted by LibreOffice (headless, without network, its own profile, in a temporary folder of the task). */
export async function convertLegacy(bytes: Buffer, file: string, to: keyof typeof TARGET, task = 'x'): Promise<Buffer> {
  const t = TARGET[to];
  const soffice = await onPath(['soffice', 'libreoffice']);
  if (!soffice) {
    throw new InputError(`legacy ${t.what}: convert with LibreOffice (install it: apt-get install ${t.pkg})`, 'legacy-doc');
  }
  if (!(await hasComponent(soffice, to))) {
    throw new InputError(`legacy ${t.what}: the LibreOffice installed has no ${t.part} component to convert it (install it: apt-get install ${t.pkg})`, 'legacy-doc');
  }
  const dir = await mkdtemp(path.join(tmpdir(), `${PREFIX}${safeTask(task)}-`));
  try {
    const input = path.join(dir, `input.${t.from}`);
    await writeFile(input, bytes);
    const profile = path.join(dir, 'profile');
    await mkdir(path.join(profile, 'user'), { recursive: true });
    await writeFile(path.join(profile, 'user', 'registrymodifications.xcu'), registryModifications());
    const [cmd, ...args] = [...(await networkIsolation()), soffice];
    await run(cmd!, [...args, '--headless', '--norestore', '--nolockcheck', `-env:UserInstallation=${pathToFileURL(profile).href}`, '--convert-to', to, '--outdir', dir, input], {
      env: withoutProxies(),
    });
    const out = await readFile(path.join(dir, `input.${to}`)).catch(() => null);
    if (!out) throw new InputError(`legacy ${t.what} (OLE2) file that LibreOffice cannot read: ${path.basename(file)} is damaged or not ${t.kind}`, 'legacy-doc');
    return out;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`legacy ${t.what} could not be converted by LibreOffice: ${(err as Error).message.split('\n')[0]}`, 'legacy-doc');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function safeTask(task: string): string {
  return task.replace(/[^A-Za-z0-9]/g, '').slice(0, 32) || 'x';
}

/**
 * After a conversion was cut off (its worker killed at the time limit): kills the processes
 * whose command line names the task's folders (soffice and its children) and removes them.
 */
export async function cleanupConversion(task: string): Promise<void> {
  const marker = path.join(tmpdir(), `${PREFIX}${safeTask(task)}-`);
  for (const pid of pidsRunning(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* ended meanwhile */
    }
  }
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const n of names) if (path.join(tmpdir(), n).startsWith(marker)) await rm(path.join(tmpdir(), n), { recursive: true, force: true });
}
