using System.Security.Cryptography;
using CodeRunner.Runner.History;

namespace CodeRunner.Tests.Runner.History;

/// <summary>
/// What every history store (SQLite, MongoDB) must do alike. Each store's subclass supplies a
/// fresh, uninitialized store; every test here runs once per store.
/// </summary>
public abstract class HistoryStoreContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    protected IHistoryStore Store { get; private set; } = null!;

    /// <summary>A store over a new empty database; InitializeAsync not called yet.</summary>
    protected abstract Task<IHistoryStore> CreateFreshAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateFreshAsync();
        await Store.InitializeAsync(Ct);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    // MongoDB keeps milliseconds: the common precision every store reads back exactly.
    protected static DateTimeOffset Ms(DateTimeOffset value) =>
        new DateTimeOffset(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    protected static DateTimeOffset Now() => Ms(DateTimeOffset.UtcNow);

    protected static string Hash() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static HistoryEntry Entry(string owner, DateTimeOffset created, string? source = "print(1)") =>
        new(owner, Guid.NewGuid().ToString(), 71, source, "stdin", created);

    [Fact]
    public async Task Given_created_key_Then_it_is_found_by_its_hash_with_every_value()
    {
        var key = new ApiKeyRecord("ci", Hash(), Now());

        var created = await Store.CreateApiKeyAsync(key, Ct);
        var found = await Store.FindApiKeyAsync(key.Hash, Ct);

        Assert.True(created);
        Assert.Equal(key, found);
        Assert.Null(await Store.FindApiKeyAsync(Hash(), Ct));
    }

    [Fact]
    public async Task Given_key_name_taken_Then_a_second_key_with_that_name_is_refused_and_the_first_kept()
    {
        var first = new ApiKeyRecord("ci", Hash(), Now());
        await Store.CreateApiKeyAsync(first, Ct);
        var second = new ApiKeyRecord("ci", Hash(), Now());

        var created = await Store.CreateApiKeyAsync(second, Ct);

        Assert.False(created);
        Assert.Null(await Store.FindApiKeyAsync(second.Hash, Ct));
        Assert.Equal(first, await Store.FindApiKeyAsync(first.Hash, Ct));
        Assert.Single(await Store.ListApiKeysAsync(Ct));
    }

    [Fact]
    public async Task Given_revoked_key_Then_it_is_found_with_its_revocation_time_and_unknown_names_are_refused()
    {
        var key = new ApiKeyRecord("ci", Hash(), Now().AddMinutes(-1));
        await Store.CreateApiKeyAsync(key, Ct);
        await Store.CreateApiKeyAsync(new ApiKeyRecord("other", Hash(), Now()), Ct);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var revoked = await Store.RevokeApiKeyAsync("ci", Ct);
        var unknown = await Store.RevokeApiKeyAsync("nobody", Ct);

        Assert.True(revoked);
        Assert.False(unknown);
        var found = await Store.FindApiKeyAsync(key.Hash, Ct);
        Assert.NotNull(found?.RevokedAt);
        Assert.InRange(found.RevokedAt.Value, before, DateTimeOffset.UtcNow.AddSeconds(1));
        var listed = await Store.ListApiKeysAsync(Ct);
        Assert.Equal(["ci", "other"], listed.Select(k => k.Name).Order());
        Assert.Null(listed.Single(k => k.Name == "other").RevokedAt);
    }

    [Fact]
    public async Task Given_revoked_key_revoked_again_Then_the_first_revocation_time_stays()
    {
        await Store.CreateApiKeyAsync(new ApiKeyRecord("ci", Hash(), Now()), Ct);
        await Store.RevokeApiKeyAsync("ci", Ct);
        var first = (await Store.ListApiKeysAsync(Ct)).Single().RevokedAt;
        await Task.Delay(20);

        Assert.True(await Store.RevokeApiKeyAsync("ci", Ct));

        Assert.Equal(first, (await Store.ListApiKeysAsync(Ct)).Single().RevokedAt);
    }

    [Fact]
    public async Task Given_live_and_expired_sessions_Then_only_the_live_one_is_found()
    {
        var live = new SessionRecord("s1", Hash(), Now(), Now().AddHours(1));
        var expired = new SessionRecord("s2", Hash(), Now().AddHours(-2), Now().AddSeconds(-1));
        await Store.CreateSessionAsync(live, Ct);
        await Store.CreateSessionAsync(expired, Ct);

        Assert.Equal(live, await Store.FindSessionAsync(live.Hash, Ct));
        Assert.Null(await Store.FindSessionAsync(expired.Hash, Ct));
        Assert.Null(await Store.FindSessionAsync(Hash(), Ct));
    }

    [Fact]
    public async Task Given_session_about_to_expire_Then_it_is_found_until_then_and_not_after()
    {
        var session = new SessionRecord("s1", Hash(), Now(), Now().AddMilliseconds(2500));
        await Store.CreateSessionAsync(session, Ct);

        var before = await Store.FindSessionAsync(session.Hash, Ct);
        await Task.Delay(session.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100));
        var after = await Store.FindSessionAsync(session.Hash, Ct);

        Assert.Equal(session, before);
        Assert.Null(after);
    }

    [Fact]
    public async Task Given_submissions_of_two_owners_Then_each_lists_only_its_own_newest_first_in_pages()
    {
        var start = Now().AddMinutes(-10);
        var mine = Enumerable.Range(0, 5).Select(i => Entry("key:me", start.AddSeconds(i))).ToList();
        var theirs = Enumerable.Range(0, 3).Select(i => Entry("session:them", start.AddSeconds(i) .AddMilliseconds(500))).ToList();
        // Inserted out of time order, interleaved: the order must come from created_at.
        foreach (var entry in mine.Zip(theirs).SelectMany(p => new[] { p.Second, p.First }).Concat(mine.Skip(3)).Reverse())
        {
            await Store.AddSubmissionAsync(entry, Ct);
        }

        var first = await Store.ListAsync("key:me", 1, 2, Ct);
        var second = await Store.ListAsync("key:me", 2, 2, Ct);
        var third = await Store.ListAsync("key:me", 3, 2, Ct);
        var beyond = await Store.ListAsync("key:me", 4, 2, Ct);
        var them = await Store.ListAsync("session:them", 1, 20, Ct);

        Assert.Equal(5, first.Total);
        Assert.Equal(5, beyond.Total);
        Assert.Equal([mine[4], mine[3]], first.Items);
        Assert.Equal([mine[2], mine[1]], second.Items);
        Assert.Equal([mine[0]], third.Items);
        Assert.Empty(beyond.Items);
        Assert.Equal(3, them.Total);
        Assert.Equal(theirs.AsEnumerable().Reverse(), them.Items);
        Assert.Equal(0, (await Store.ListAsync("key:nobody", 1, 20, Ct)).Total);
    }

    [Fact]
    public async Task Given_the_same_token_added_twice_Then_the_owner_has_one_entry()
    {
        var entry = Entry("key:me", Now());

        await Store.AddSubmissionAsync(entry, Ct);
        await Store.AddSubmissionAsync(entry with { SourceCode = "changed" }, Ct);

        var page = await Store.ListAsync("key:me", 1, 20, Ct);
        Assert.Equal(1, page.Total);
        Assert.Equal(entry, Assert.Single(page.Items));
    }

    [Fact]
    public async Task Given_result_update_Then_the_owner_sees_it_and_another_owner_cannot_change_it()
    {
        var entry = Entry("key:me", Now());
        await Store.AddSubmissionAsync(entry, Ct);
        var result = new ResultSummary(3, "Accepted", "0.012", 3456, Now());
        var stranger = new ResultSummary(6, "Compilation Error", null, null, Now());

        await Store.UpdateResultAsync("key:me", entry.Token, new ResultSummary(2, "Processing", null, null, null), Ct);
        await Store.UpdateResultAsync("key:me", entry.Token, result, Ct);
        await Store.UpdateResultAsync("key:other", entry.Token, stranger, Ct);

        var read = Assert.Single((await Store.ListAsync("key:me", 1, 20, Ct)).Items);
        Assert.Equal(entry with { Result = result }, read);
        Assert.Equal(0, (await Store.ListAsync("key:other", 1, 20, Ct)).Total);
    }

    [Fact]
    public async Task Given_entry_added_with_a_result_Then_it_reads_back_with_it()
    {
        var entry = Entry("key:me", Now()) with { Result = new ResultSummary(1, "In Queue", null, null, null) };

        await Store.AddSubmissionAsync(entry, Ct);

        Assert.Equal(entry, Assert.Single((await Store.ListAsync("key:me", 1, 20, Ct)).Items));
    }

    [Fact]
    public async Task Given_tokens_of_two_owners_Then_owned_tokens_keeps_only_the_callers()
    {
        var mine = Entry("key:me", Now());
        var theirs = Entry("key:them", Now());
        await Store.AddSubmissionAsync(mine, Ct);
        await Store.AddSubmissionAsync(theirs, Ct);

        var owned = await Store.OwnedTokensAsync("key:me", [mine.Token, theirs.Token, "unknown", mine.Token], Ct);

        Assert.Equal([mine.Token], owned);
        Assert.Empty(await Store.OwnedTokensAsync("key:me", [], Ct));
        Assert.Empty(await Store.OwnedTokensAsync("key:nobody", [mine.Token], Ct));
    }

    [Fact]
    public async Task Given_settings_never_saved_Then_null_and_once_saved_they_read_back_and_can_be_overwritten()
    {
        var before = await Store.GetSettingsAsync("session:a", Ct);
        await Store.SaveSettingsAsync("session:a", new ClientSettings(71, "light", 16, "vim"), Ct);
        await Store.SaveSettingsAsync("session:b", ClientSettings.Default, Ct);
        var saved = await Store.GetSettingsAsync("session:a", Ct);
        await Store.SaveSettingsAsync("session:a", new ClientSettings(null, "dark", 12, "emacs"), Ct);
        var overwritten = await Store.GetSettingsAsync("session:a", Ct);

        Assert.Null(before);
        Assert.Equal(new ClientSettings(71, "light", 16, "vim"), saved);
        Assert.Equal(new ClientSettings(null, "dark", 12, "emacs"), overwritten);
        Assert.Equal(ClientSettings.Default, await Store.GetSettingsAsync("session:b", Ct));
    }

    [Fact]
    public async Task Given_concurrent_initializations_of_fresh_stores_Then_all_succeed_and_the_store_works()
    {
        var store = await CreateFreshAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.InitializeAsync(Ct))));
        await store.InitializeAsync(Ct);

        Assert.True(await store.CreateApiKeyAsync(new ApiKeyRecord("ci", Hash(), Now()), Ct));
        Assert.False(await store.CreateApiKeyAsync(new ApiKeyRecord("ci", Hash(), Now()), Ct));
    }

    [Fact]
    public async Task Given_64_KiB_of_source_and_stdin_Then_they_round_trip_exactly()
    {
        var source = string.Concat(Enumerable.Range(0, 64 * 1024).Select(i => (char)('a' + i % 26)));
        var stdin = new string('x', 64 * 1024 - 1) + "\n";
        var entry = Entry("key:me", Now(), source) with { Stdin = stdin };

        await Store.AddSubmissionAsync(entry, Ct);

        var read = Assert.Single((await Store.ListAsync("key:me", 1, 1, Ct)).Items);
        Assert.Equal(64 * 1024, read.SourceCode!.Length);
        Assert.Equal(source, read.SourceCode);
        Assert.Equal(stdin, read.Stdin);
    }

    [Fact]
    public async Task Given_unicode_everywhere_Then_it_round_trips()
    {
        const string owner = "key:ключ-🔑";
        var entry = Entry(owner, Now(), "print('héllo, 世界 🌍\\u0000')\n# \u202e") with { Stdin = "ñ\r\n\t😀" };
        var key = new ApiKeyRecord("名前 ✓", Hash(), Now());
        var settings = new ClientSettings(71, "ダーク", 14, "ключи");

        await Store.AddSubmissionAsync(entry, Ct);
        await Store.UpdateResultAsync(owner, entry.Token, new ResultSummary(11, "Runtime Error (NZEC) — ✗", "0.1", 1, Now()), Ct);
        await Store.CreateApiKeyAsync(key, Ct);
        await Store.SaveSettingsAsync(owner, settings, Ct);

        var read = Assert.Single((await Store.ListAsync(owner, 1, 20, Ct)).Items);
        Assert.Equal(entry.SourceCode, read.SourceCode);
        Assert.Equal(entry.Stdin, read.Stdin);
        Assert.Equal("Runtime Error (NZEC) — ✗", read.Result!.StatusDescription);
        Assert.Equal(key, await Store.FindApiKeyAsync(key.Hash, Ct));
        Assert.Equal(settings, await Store.GetSettingsAsync(owner, Ct));
        Assert.Equal([entry.Token], await Store.OwnedTokensAsync(owner, [entry.Token], Ct));
    }

    [Fact]
    public async Task Given_timestamps_with_an_offset_Then_they_read_back_as_the_same_instant_in_utc()
    {
        var created = new DateTimeOffset(2024, 2, 29, 23, 59, 59, 123, TimeSpan.FromHours(2));
        await Store.AddSubmissionAsync(Entry("key:me", created), Ct);

        var read = Assert.Single((await Store.ListAsync("key:me", 1, 20, Ct)).Items);

        Assert.Equal(created, read.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
    }

    [Fact]
    public async Task Given_page_or_per_page_below_one_Then_the_store_refuses_it()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAsync("key:me", 0, 20, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAsync("key:me", 1, 0, Ct));
    }
}
