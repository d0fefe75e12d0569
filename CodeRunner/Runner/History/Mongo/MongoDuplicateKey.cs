using MongoDB.Driver;

namespace CodeRunner.Runner.History.Mongo;

/// <summary>
/// A unique index refused a write. Servers report it as a write error or a command error
/// (jongodb does the latter), so match MongoDB's code, not the exception type.
/// </summary>
internal static class MongoDuplicateKey
{
    public const int Code = 11000;

    public static bool Is(Exception e) => e switch
    {
        MongoWriteException write => write.WriteError?.Code == Code,
        MongoBulkWriteException bulk => bulk.WriteErrors.Any(w => w.Code == Code),
        MongoCommandException command => command.Code == Code,
        _ => false,
    };
}
