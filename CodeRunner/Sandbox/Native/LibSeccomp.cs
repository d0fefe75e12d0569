using System.Runtime.InteropServices;

namespace CodeRunner.Sandbox.Native;

/// <summary>
/// The few non-variadic calls of libseccomp (libseccomp.so.2: on every systemd machine) that build
/// a filter and export it as a BPF program. Nothing here loads a filter into this process.
/// </summary>
internal static unsafe partial class LibSeccomp
{
    private const string Lib = "libseccomp.so.2";

    public const uint ActAllow = 0x7fff0000;

    /// <summary>__NR_SCMP_ERROR: the name is not a system call libseccomp knows.</summary>
    public const int NrError = -1;

    public const int CmpEq = 4;
    public const int CmpGt = 6;
    public const int CmpMaskedEq = 7;

    public static uint ActErrno(int errno) => 0x00050000u | (uint)(errno & 0xffff);

    /// <summary>struct scmp_arg_cmp: argument index, operator, datum_a (value or mask), datum_b (value for a mask).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ArgCmp
    {
        public uint Arg;
        public int Op;
        public ulong DatumA;
        public ulong DatumB;
    }

    [LibraryImport(Lib, EntryPoint = "seccomp_init")]
    public static partial nint Init(uint defaultAction);

    [LibraryImport(Lib, EntryPoint = "seccomp_release")]
    public static partial void Release(nint ctx);

    [LibraryImport(Lib, EntryPoint = "seccomp_syscall_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ResolveName(string name);

    [LibraryImport(Lib, EntryPoint = "seccomp_rule_add_array")]
    public static partial int RuleAddArray(nint ctx, uint action, int syscall, uint argCount, ArgCmp* args);

    [LibraryImport(Lib, EntryPoint = "seccomp_export_bpf")]
    public static partial int ExportBpf(nint ctx, int fd);
}
