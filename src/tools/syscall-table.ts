/**
 * `npm run syscalls`: prints the syscall table as Markdown (number, name, support level, note),
 * derived from the same table the kernel dispatches through.
 */
import '../kernel/syscalls/index.js';
import { SYSCALLS } from '../kernel/syscall-table.js';

export function syscallTableMarkdown(): string {
  const rows = SYSCALLS.filter((d) => d !== undefined).map((d) => {
    const args = d!.args.map((a) => `${a.name}: ${a.type}`).join(', ');
    return `| ${d!.nr} | \`${d!.name}(${args})\` | ${d!.support} | ${d!.note.replace(/\|/g, '\\|')} |`;
  });
  return [
    '| nr | syscall | support | note |',
    '|---:|---|---|---|',
    ...rows,
    '',
    `${rows.length} syscalls in the table; any other number returns -ENOSYS and is reported once.`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(syscallTableMarkdown() + '\n');
}
