using CodeRunner.Hosting;

namespace CodeRunner.Storage;

/// <summary>
/// Stores and queue shared by the judge roles: embedded (SQLite file + in-process queue) unless a
/// database or queue URL is configured.
/// </summary>
public static class StorageModule
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        if ((builder.Roles() & (Roles.JudgeServer | Roles.JudgeWorker)) == Roles.None)
        {
            return builder;
        }
        return builder;
    }
}
