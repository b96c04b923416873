/**
 * Synthetic /proc (proc(5)): self, <pid>/{exe,cwd,root,fd/,maps,auxv,cmdline,environ,stat,
 * status,comm,mounts}, cpuinfo (consistent with our CPUID), meminfo, mounts, stat, uptime,
 * loadavg, version, filesystems.
 *
 * exe, cwd, root and fd/N are magic links: following them resolves to a position inside the
 * guest's own namespace (never a host path), so /proc/self/root and /proc/self/cwd cannot be
 * used to escape a confined root.
 */
import { SynthFs, SynthDir, SynthFile, SynthLink } from './synthetic-base.js';
import type { Inode } from './types.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../process.js';
import { CPUID1_EDX, CPUID1_ECX } from '../../cpu/cpuid.js';
import { UNAME_RELEASE, UNAME_VERSION } from '../syscalls/system.js';
import type { Position } from './vfs.js';
import { processCwd } from './lookup.js';
import { AnonInode } from './anon.js';
import { O_PATH } from '../syscalls/flags.js';

/** Memory the guest is told it has (the 4 GiB window). */
export const GUEST_MEM_TOTAL_KB = 4 * 1024 * 1024;

export class ProcFs extends SynthFs {
  readonly name = 'proc';
  readonly dev = 0x16;
  private readonly rootDir: SynthDir;

  constructor(readonly kernel: Kernel, readonly currentPid: () => number) {
    super();
    this.rootDir = new SynthDir(this, '/', () => this.rootEntries());
  }

  root(): Inode {
    return this.rootDir;
  }

  private rootEntries(): Map<string, () => Inode> {
    const m = new Map<string, () => Inode>();
    m.set('self', () => new SynthLink(this, 'self', () => String(this.currentPid())));
    m.set('thread-self', () => new SynthLink(this, 'thread-self', () => `${this.currentPid()}/task/${this.currentPid()}`));
    for (const pid of this.kernel.processes.keys()) m.set(String(pid), () => this.pidDir(pid));
    m.set('cpuinfo', () => new SynthFile(this, 'cpuinfo', cpuinfo));
    m.set('meminfo', () => new SynthFile(this, 'meminfo', meminfo));
    m.set('mounts', () => new SynthLink(this, 'mounts', () => 'self/mounts'));
    m.set('stat', () => new SynthFile(this, 'stat', () => statFile(this.kernel)));
    m.set('uptime', () => new SynthFile(this, 'uptime', () => {
      const s = Number(this.kernel.config.monotonicNs() / 10_000_000n) / 100;
      return `${s.toFixed(2)} ${s.toFixed(2)}\n`;
    }));
    m.set('loadavg', () => new SynthFile(this, 'loadavg', () => `0.00 0.00 0.00 1/${this.kernel.processes.size} ${this.currentPid()}\n`));
    m.set('version', () => new SynthFile(this, 'version', () => `Linux version ${UNAME_RELEASE} (x64run) ${UNAME_VERSION}\n`));
    m.set('filesystems', () => new SynthFile(this, 'filesystems', 'nodev\tproc\nnodev\ttmpfs\nnodev\tdevtmpfs\n\text4\n'));
    m.set('sys', () => this.sysDir());
    return m;
  }

  private sysDir(): Inode {
    const kernelDir = new SynthDir(this, 'sys/kernel', () => new Map<string, () => Inode>([
      ['osrelease', () => new SynthFile(this, 'sys/kernel/osrelease', `${UNAME_RELEASE}\n`)],
      ['ostype', () => new SynthFile(this, 'sys/kernel/ostype', 'Linux\n')],
      ['hostname', () => new SynthFile(this, 'sys/kernel/hostname', `${this.kernel.config.hostname}\n`)],
      ['pid_max', () => new SynthFile(this, 'sys/kernel/pid_max', '4194304\n')],
      ['ngroups_max', () => new SynthFile(this, 'sys/kernel/ngroups_max', '65536\n')],
    ]));
    const vmDir = new SynthDir(this, 'sys/vm', () => new Map<string, () => Inode>([
      ['overcommit_memory', () => new SynthFile(this, 'sys/vm/overcommit_memory', '0\n')],
      ['mmap_min_addr', () => new SynthFile(this, 'sys/vm/mmap_min_addr', '65536\n')],
    ]));
    return new SynthDir(this, 'sys', () => new Map<string, () => Inode>([['kernel', () => kernelDir], ['vm', () => vmDir]]));
  }

  private pidDir(pid: number): Inode {
    const p = this.kernel.processes.get(pid);
    if (!p) return this.rootDir;
    const owner = { uid: this.kernel.config.uid, gid: this.kernel.config.gid };
    const key = (s: string) => `${pid}/${s}`;
    const text = (s: string) => new TextEncoder().encode(s);
    return new SynthDir(this, String(pid), () => new Map<string, () => Inode>([
      ['exe', () => new SynthLink(this, key('exe'), () => p.exePath, () => this.kernel.vfs.walkPosition(p.exePath))],
      ['cwd', () => new SynthLink(this, key('cwd'), () => (processCwd(p).removed ? `${p.cwd} (deleted)` : p.cwd), () => processCwd(p).pos)],
      ['root', () => new SynthLink(this, key('root'), () => '/', () => this.kernel.vfs.rootPos())],
      ['fd', () => this.fdDir(p)],
      ['maps', () => new SynthFile(this, key('maps'), () => p.as.formatMaps(), owner)],
      ['auxv', () => new SynthFile(this, key('auxv'), () => auxvBytes(p), owner)],
      ['cmdline', () => new SynthFile(this, key('cmdline'), () => text(p.argv.map((x) => x + '\0').join('')), owner)],
      ['environ', () => new SynthFile(this, key('environ'), () => text(p.envp.map((x) => x + '\0').join('')), owner)],
      ['comm', () => new SynthFile(this, key('comm'), () => `${p.threads[0]?.name ?? ''}\n`, owner)],
      ['stat', () => new SynthFile(this, key('stat'), () => pidStat(p), owner)],
      ['status', () => new SynthFile(this, key('status'), () => pidStatus(p, this.kernel), owner)],
      ['mounts', () => new SynthFile(this, key('mounts'), () => mounts(this.kernel), owner)],
    ]), owner);
  }

  private fdDir(p: Process): Inode {
    const owner = { uid: this.kernel.config.uid, gid: this.kernel.config.gid };
    return new SynthDir(this, `${p.pid}/fd`, () => {
      const m = new Map<string, () => Inode>();
      for (const [fd, e] of p.fds.fds) {
        const f = e.file;
        m.set(String(fd), () => {
          const link = new SynthLink(this, `${p.pid}/fd/${fd}`, () => f.vfsPath ?? f.name, (): Position | number => {
            if (f.inode && f.vfsPath !== undefined) return { path: f.vfsPath, node: f.inode };
            // No path (pipes, eventfds, captured stdio): the link leads to the object itself.
            return { path: f.name, node: new AnonInode(f) };
          });
          // proc_fd_link modes (fs/proc/fd.c tid_fd_update_inode): r-x for reading, -wx for
          // writing, none for O_PATH descriptors.
          const acc = f.flags & O_PATH ? -1 : f.flags & 3;
          link.mode = acc === 0 ? 0o500 : acc === 1 ? 0o300 : acc === 2 ? 0o700 : 0;
          return link;
        });
      }
      return m;
    }, owner);
  }
}

function auxvBytes(p: Process): Uint8Array {
  const b = new Uint8Array(p.auxv.length * 16);
  const dv = new DataView(b.buffer);
  p.auxv.forEach(([k, v], n) => {
    dv.setBigUint64(n * 16, BigInt(k), true);
    dv.setBigUint64(n * 16 + 8, BigInt(v), true);
  });
  return b;
}

function cpuFlags(): string {
  const edx: [number, string][] = [[0, 'fpu'], [4, 'tsc'], [8, 'cx8'], [15, 'cmov'], [19, 'clflush'], [23, 'mmx'], [24, 'fxsr'], [25, 'sse'], [26, 'sse2']];
  const ecx: [number, string][] = [[0, 'pni'], [13, 'cx16'], [9, 'ssse3'], [19, 'sse4_1'], [20, 'sse4_2'], [23, 'popcnt']];
  const f = edx.filter(([b]) => CPUID1_EDX & (1 << b)).map(([, n]) => n);
  f.push('syscall', 'nx', 'lm');
  f.push(...ecx.filter(([b]) => CPUID1_ECX & (1 << b)).map(([, n]) => n));
  return f.join(' ');
}

function cpuinfo(): string {
  return [
    'processor\t: 0', 'vendor_id\t: AuthenticAMD', 'cpu family\t: 15', 'model\t\t: 107', 'model name\t: x64run virtual x86-64 CPU',
    'stepping\t: 1', 'cpu MHz\t\t: 3000.000', 'cache size\t: 512 KB', 'physical id\t: 0', 'siblings\t: 1', 'core id\t\t: 0',
    'cpu cores\t: 1', 'apicid\t\t: 0', 'initial apicid\t: 0', 'fpu\t\t: yes', 'fpu_exception\t: yes', 'cpuid level\t: 13', 'wp\t\t: yes',
    `flags\t\t: ${cpuFlags()}`, 'bogomips\t: 6000.00', 'TLB size\t: 1024 4K pages', 'clflush size\t: 64', 'cache_alignment\t: 64',
    'address sizes\t: 40 bits physical, 48 bits virtual', 'power management:', '', '',
  ].join('\n');
}

function meminfo(): string {
  const kb = (n: number) => `${String(n).padStart(8)} kB`;
  return [
    `MemTotal:       ${kb(GUEST_MEM_TOTAL_KB)}`, `MemFree:        ${kb(GUEST_MEM_TOTAL_KB / 2)}`, `MemAvailable:   ${kb(GUEST_MEM_TOTAL_KB / 2)}`,
    `Buffers:        ${kb(0)}`, `Cached:         ${kb(0)}`, `SwapCached:     ${kb(0)}`, `SwapTotal:      ${kb(0)}`, `SwapFree:       ${kb(0)}`,
    `Shmem:          ${kb(0)}`, `CommitLimit:    ${kb(GUEST_MEM_TOTAL_KB)}`, `Committed_AS:   ${kb(0)}`, `VmallocTotal:   ${kb(34359738367)}`,
    `Hugepagesize:   ${kb(2048)}`, '',
  ].join('\n');
}

function statFile(k: Kernel): string {
  const ticks = Number(k.config.monotonicNs() / 10_000_000n);
  return `cpu  ${ticks} 0 0 0 0 0 0 0 0 0\ncpu0 ${ticks} 0 0 0 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime ${Number(k.config.realtimeNs() / 1_000_000_000n) - Math.floor(ticks / 100)}\nprocesses ${k.processes.size}\nprocs_running 1\nprocs_blocked 0\n`;
}

function pidStat(p: Process): string {
  const comm = p.threads[0]?.name ?? '';
  const state = p.exit ? 'Z' : 'R';
  const vsize = p.as.vmas.reduce((n, v) => n + (v.end - v.start), 0);
  const fields = [p.pid, `(${comm})`, state, p.ppid, p.pid, p.pid, 0, -1, 4194560, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, p.threads.length, 0, 0,
    vsize, Math.floor(vsize / 4096), '18446744073709551615', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  return fields.join(' ') + '\n';
}

function pidStatus(p: Process, k: Kernel): string {
  const vsizeKb = p.as.vmas.reduce((n, v) => n + (v.end - v.start), 0) / 1024;
  const { uid, gid } = k.config;
  const t = p.threads[0];
  const hex = (v: bigint) => v.toString(16).padStart(16, '0');
  return [
    `Name:\t${t?.name ?? ''}`, `Umask:\t${p.umask.toString(8).padStart(4, '0')}`, `State:\t${p.exit ? 'Z (zombie)' : 'R (running)'}`,
    `Tgid:\t${p.pid}`, 'Ngid:\t0', `Pid:\t${p.pid}`, `PPid:\t${p.ppid}`, 'TracerPid:\t0', `Uid:\t${uid}\t${uid}\t${uid}\t${uid}`,
    `Gid:\t${gid}\t${gid}\t${gid}\t${gid}`, `FDSize:\t${Math.max(64, p.fds.fds.size)}`, `Groups:\t${p.groups.join(' ')}${p.groups.length ? ' ' : ''}`, `VmPeak:\t${String(vsizeKb).padStart(8)} kB`,
    `VmSize:\t${String(vsizeKb).padStart(8)} kB`, `Threads:\t${p.threads.filter((x) => !x.exited).length}`, 'SigQ:\t0/63432',
    'SigPnd:\t0000000000000000', 'ShdPnd:\t0000000000000000', `SigBlk:\t${hex(t?.signals.mask ?? 0n)}`, 'SigIgn:\t0000000000000000',
    'SigCgt:\t0000000000000000', 'CapInh:\t0000000000000000', 'CapPrm:\t0000000000000000', 'CapEff:\t0000000000000000',
    'CapBnd:\t000001ffffffffff', 'NoNewPrivs:\t0', 'Seccomp:\t0', 'Cpus_allowed:\t1', 'Cpus_allowed_list:\t0',
    'voluntary_ctxt_switches:\t0', 'nonvoluntary_ctxt_switches:\t0', '',
  ].join('\n');
}

function mounts(k: Kernel): string {
  return k.vfs.mountList().map((m) => {
    const type = m.fs.name === 'hostfs' ? 'ext4' : m.fs.name;
    return `${type === 'ext4' ? '/dev/root' : type} ${m.path} ${type} ${m.fs.readOnly ? 'ro' : 'rw'},relatime 0 0\n`;
  }).join('');
}
