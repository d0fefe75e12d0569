namespace CodeRunner.Runner.History;

/// <summary>The paging rules both stores share; the runner turns bad query values into a 422 before calling them.</summary>
internal static class HistoryPaging
{
    public static void Check(int page, int perPage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perPage, 1);
    }

    public static long Offset(int page, int perPage) => (long)(page - 1) * perPage;
}
