namespace CodeRunner.Storage;

/// <summary>
/// The order in which the queue serves callers' lanes. Each lane has a score; a claim takes the
/// lane with the lowest and gives it the next serial number. A lane that starts waiting gets the
/// serial number of the last claim minus one half: after every lane that waited before it and has
/// not been served since, but before the lane just served. So a newcomer never waits behind a
/// flooder's second job, and a caller that keeps re-joining with one job cannot cut in front of a
/// lane that has waited longer (plain "new lanes go first" would let it starve that lane). The
/// lane just served is the exception: if it empties and joins again (its next job arrives while
/// the last one runs), it keeps that serial number and so stays behind whoever joined meanwhile.
/// </summary>
public static class FairShare
{
    /// <summary>The lane of jobs whose caller is unknown (re-queued by the reconciler, or enqueued by older code).</summary>
    public const string Unattributed = "";

    /// <summary>Longest caller name a lane is kept under; longer names are hashed (keys stay short).</summary>
    public const int MaxCallerLength = 200;

    /// <summary>The score of a lane that starts waiting after claim number <paramref name="lastServed"/>.</summary>
    /// <param name="servedLast">Whether that claim was this lane's.</param>
    public static double JoinScore(long lastServed, bool servedLast) => servedLast ? lastServed : lastServed - 0.5;

    /// <summary>A caller name fit for a Redis key: short, printable ASCII.</summary>
    public static string Normalize(string caller) =>
        caller.Length <= MaxCallerLength && caller.All(c => c is > ' ' and < (char)127)
            ? caller
            : "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(caller)));
}
