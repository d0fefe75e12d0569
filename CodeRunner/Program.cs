using CodeRunner.Client;
using CodeRunner.Hosting;
using CodeRunner.Hosting.Ops;
using CodeRunner.Judge.Server;
using CodeRunner.Judge.Worker;
using CodeRunner.Lb;
using CodeRunner.Runner;
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
        builder.AddClient();
        builder.AddRunner();
        builder.AddLb();
        builder.AddJudgeServer();
        builder.AddJudgeWorker();
        builder.AddCarterModules();
        builder.AddOps();

        var app = builder.Build();
        app.UseOps();
        app.MapClient();
        app.MapRunner();
        app.MapLb();
        app.MapJudgeServer();
        app.MapJudgeWorker();
        return app;
    }
}
