namespace CodeRunner.Contracts;

/// <summary>Judge0 CE 1.13.1 statuses, ids and descriptions exactly as app/enumerations/status.rb.</summary>
public sealed record Status(int Id, string Description)
{
    public static readonly Status InQueue = new(1, "In Queue");
    public static readonly Status Processing = new(2, "Processing");
    public static readonly Status Accepted = new(3, "Accepted");
    public static readonly Status WrongAnswer = new(4, "Wrong Answer");
    public static readonly Status TimeLimitExceeded = new(5, "Time Limit Exceeded");
    public static readonly Status CompilationError = new(6, "Compilation Error");
    public static readonly Status RuntimeErrorSigsegv = new(7, "Runtime Error (SIGSEGV)");
    public static readonly Status RuntimeErrorSigxfsz = new(8, "Runtime Error (SIGXFSZ)");
    public static readonly Status RuntimeErrorSigfpe = new(9, "Runtime Error (SIGFPE)");
    public static readonly Status RuntimeErrorSigabrt = new(10, "Runtime Error (SIGABRT)");
    public static readonly Status RuntimeErrorNzec = new(11, "Runtime Error (NZEC)");
    public static readonly Status RuntimeErrorOther = new(12, "Runtime Error (Other)");
    public static readonly Status InternalError = new(13, "Internal Error");
    public static readonly Status ExecFormatError = new(14, "Exec Format Error");

    public static readonly IReadOnlyList<Status> All =
    [
        InQueue, Processing, Accepted, WrongAnswer, TimeLimitExceeded, CompilationError,
        RuntimeErrorSigsegv, RuntimeErrorSigxfsz, RuntimeErrorSigfpe, RuntimeErrorSigabrt,
        RuntimeErrorNzec, RuntimeErrorOther, InternalError, ExecFormatError,
    ];

    public static Status FromId(int id) => id >= 1 && id <= All.Count ? All[id - 1] : InternalError;

    public bool IsFinal => Id >= 3;
}
