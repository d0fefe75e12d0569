section .bss
buf resb 64
section .data
greeting db "hello "
section .text
global _start
_start:
    mov rax, 0
    mov rdi, 0
    mov rsi, buf
    mov rdx, 64
    syscall
    mov r12, rax
    mov rax, 1
    mov rdi, 1
    mov rsi, greeting
    mov rdx, 6
    syscall
    mov rax, 1
    mov rdi, 1
    mov rsi, buf
    mov rdx, r12
    syscall
    mov rax, 60
    xor rdi, rdi
    syscall
