/* hello-nolibc: no libc at all. _start is raw asm; write(2) and
 * exit_group(2) are issued with the `syscall` instruction directly. */

__asm__(
    ".text\n"
    ".global _start\n"
    ".type _start,@function\n"
    "_start:\n"
    "    mov  $1, %eax\n"              /* SYS_write */
    "    mov  $1, %edi\n"              /* fd 1 */
    "    lea  msg(%rip), %rsi\n"
    "    mov  $msg_len, %edx\n"
    "    syscall\n"
    "    mov  $231, %eax\n"            /* SYS_exit_group */
    "    xor  %edi, %edi\n"
    "    syscall\n"
    "    hlt\n"
    ".size _start, .-_start\n"
    ".section .rodata\n"
    "msg: .ascii \"hello from nolibc\\n\"\n"
    ".set msg_len, . - msg\n"
    ".text\n");
