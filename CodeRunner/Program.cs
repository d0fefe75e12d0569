using CodeRunner.Hosting;
using CodeRunner.Judge.Server;
using CodeRunner.Judge.Worker;
using CodeRunner.Storage;

return await CommandLine.InvokeAsync(args, async (options, ct) =>
{
    await using var app = Program.Build(options);
    await app.RunAsync(ct);
    return 0;
});

public partial class Program
{
    /// <summary>The architecture: every role registers and maps itself only when its flag is on.</summary>
    public static WebApplication Build(RunOptions options)
    {
        var builder = HostingModule.CreateBuilder(options);
        builder.AddStorage();
        builder.AddJudgeServer();
        builder.AddJudgeWorker();
        builder.AddCarterModules();

        var app = builder.Build();
        app.MapJudgeServer();
        app.MapJudgeWorker();
        return app;
    }
}
