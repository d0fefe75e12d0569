namespace CodeRunner.Runner.History;

/// <summary>Where the runner keeps its history: MongoDB when a URL is set, else a SQLite file.</summary>
internal sealed class HistoryOptions
{
    public const string Section = "Runner";

    /// <summary>Names under which a MongoDB URL may be configured (the seeds' name first).</summary>
    public static readonly string[] MongoUrlKeys = ["MONGO_URL", "Runner:Mongo"];

    /// <summary>SQLite file used when no MongoDB URL is set; its own file, apart from the judge's.</summary>
    public string Sqlite { get; set; } = "runner.db";

    /// <summary>Database used when the MongoDB URL names none.</summary>
    public string MongoDatabase { get; set; } = "coderunner";
}
