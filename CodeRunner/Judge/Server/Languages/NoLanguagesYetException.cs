namespace CodeRunner.Judge.Server.Languages;

/// <summary>
/// A submission names a language while the language table is still empty: no worker has ever
/// published what it can run (a fresh database, the first seconds of `--role all`). That is not
/// the client's mistake, so not Judge0's 422 "doesn't exist", but a 503 worth a retry.
/// </summary>
internal sealed class NoLanguagesYetException()
    : Exception("no worker has published its languages yet: retry shortly");
