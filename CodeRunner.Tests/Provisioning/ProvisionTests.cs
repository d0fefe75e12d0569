using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using CodeRunner.Tests.Deploy;

namespace CodeRunner.Tests.Provisioning;

/// <summary><c>coderunner provision</c> against a local fake of the DigitalOcean v2 API.</summary>
public sealed class ProvisionTests
{
    private const string Token = "dop_v1_provision_test_token_5e1f0c9a7b3d";

    private static readonly string[] DropletNames =
        ["client", "runner", "judge0-lb", "judge0-server-1", "judge0-server-2", "judge0-worker-1", "judge0-worker-2"];

    private static readonly Dictionary<string, string> RoleOf = new()
    {
        ["client"] = "client",
        ["runner"] = "runner",
        ["judge0-lb"] = "lb",
        ["judge0-server-1"] = "judge-server",
        ["judge0-server-2"] = "judge-server",
        ["judge0-worker-1"] = "judge-worker",
        ["judge0-worker-2"] = "judge-worker",
    };

    [Fact]
    public async Task Given_empty_account_When_provisioning_Then_creates_exactly_the_seed_topology()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);

        var run = await ProvisionRun.AgainstAsync(fake);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.DoesNotContain(fake.Requests, r => r.Status >= 400);
        var vpc = Assert.Single(fake.Vpcs);
        Assert.Equal("10.20.0.0/16", (string)vpc["ip_range"]!);
        Assert.Equal("nyc3", (string)vpc["region"]!);

        Assert.Equal(DropletNames.Order(), fake.Droplets.Select(d => (string)d["name"]!).Order());
        foreach (var droplet in fake.Droplets)
        {
            var name = (string)droplet["name"]!;
            var request = droplet["request"]!;
            Assert.Equal(["coderunner", $"coderunner-{RoleOf[name]}"], request["tags"]!.AsArray().Select(t => (string)t!));
            Assert.Equal((string)vpc["id"]!, (string)request["vpc_uuid"]!);
            Assert.Equal("ubuntu-24-04-x64", (string)request["image"]!);
            Assert.Equal("nyc3", (string)request["region"]!);
            Assert.Equal(RoleOf[name] == "judge-worker" ? "s-2vcpu-4gb" : "s-1vcpu-2gb", (string)request["size"]!);
        }

        var engines = fake.Databases.ToDictionary(d => (string)d["name"]!, d => (string)d["engine"]!);
        Assert.Equal(new Dictionary<string, string> { ["coderunner-pg"] = "pg", ["coderunner-redis"] = "valkey", ["coderunner-mongo"] = "mongodb" }, engines);
        Assert.All(fake.Databases, d => Assert.Equal((string)vpc["id"]!, (string)d["private_network_uuid"]!));
        Assert.Equal(["tag:coderunner-judge-server", "tag:coderunner-judge-worker"], TrustedSources(fake, "coderunner-pg"));
        Assert.Equal(["tag:coderunner-judge-server", "tag:coderunner-judge-worker"], TrustedSources(fake, "coderunner-redis"));
        Assert.Equal(["tag:coderunner-runner"], TrustedSources(fake, "coderunner-mongo"));

        Assert.Equal(5, fake.Firewalls.Count);
        Assert.Equal(["tcp 443 from 0.0.0.0/0,::/0", "tcp 80 from 0.0.0.0/0,::/0"], Inbound(fake, "coderunner-client", "coderunner-client"));
        Assert.Equal(["tcp 4000 from tag:coderunner-client"], Inbound(fake, "coderunner-runner", "coderunner-runner"));
        Assert.Equal(["tcp 2358 from tag:coderunner-runner"], Inbound(fake, "coderunner-lb", "coderunner-lb"));
        Assert.Equal(["tcp 2358 from tag:coderunner-lb"], Inbound(fake, "coderunner-judge-server", "coderunner-judge-server"));
        Assert.Empty(Inbound(fake, "coderunner-judge-worker", "coderunner-judge-worker"));
        Assert.All(fake.Firewalls, f => Assert.Equal(
            ["tcp all to 0.0.0.0/0,::/0", "udp all to 0.0.0.0/0,::/0"],
            f["outbound_rules"]!.AsArray().Select(r => $"{r!["protocol"]} {r["ports"]} to {Targets(r["destinations"]!)}").Order()));
        Assert.Contains("done: ", run.Output);
    }

    [Fact]
    public async Task Given_provisioned_account_When_provisioning_again_Then_sends_no_write_request_and_reports_everything_as_existing()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);
        Assert.Equal(0, (await ProvisionRun.AgainstAsync(fake)).ExitCode);
        fake.ClearRequests();

        var second = await ProvisionRun.AgainstAsync(fake);

        Assert.True(second.ExitCode == 0, second.All);
        Assert.DoesNotContain(fake.Requests, r => r.IsWrite);
        Assert.Equal(7, fake.Droplets.Count);
        Assert.Contains("done: 0 created, 0 updated", second.Output);
        // Seven Droplets with two per page: the listing followed links.pages.next to the end.
        Assert.Contains(fake.Requests, r => r.Path == "/v2/droplets" && r.Query.Contains("page=4") && r.Query.Contains("tag_name=coderunner"));
    }

    [Fact]
    public async Task Given_partial_topology_When_provisioning_Then_creates_only_what_is_missing_and_restores_trusted_sources()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);
        Assert.Equal(0, (await ProvisionRun.AgainstAsync(fake)).ExitCode);
        var runnerIp = fake.PrivateIp("runner");
        fake.Droplets.RemoveAll(d => (string)d["name"]! is "client" or "judge0-worker-2");
        fake.Firewalls.RemoveAll(f => (string)f["name"]! == "coderunner-lb");
        var pg = (string)fake.Database("coderunner-pg")["id"]!;
        fake.DatabaseRules[pg] = new JsonArray(new JsonObject { ["type"] = "ip_addr", ["value"] = "198.51.100.7" });
        fake.ClearRequests();

        var run = await ProvisionRun.AgainstAsync(fake);

        Assert.True(run.ExitCode == 0, run.All);
        var writes = fake.Requests.Where(r => r.IsWrite).ToList();
        Assert.Equal(
            ["POST /v2/droplets client", "POST /v2/droplets judge0-worker-2", "POST /v2/firewalls coderunner-lb", $"PUT /v2/databases/{pg}/firewall "],
            writes.Select(r => $"{r.Method} {r.Path} {JsonNode.Parse(r.Body)!["name"]}").Order());
        Assert.Equal(DropletNames.Order(), fake.Droplets.Select(d => (string)d["name"]!).Order());
        Assert.Contains($"RUNNER_API_URL=http://{runnerIp}:4000\n", fake.UserData("client"));
        Assert.Equal(["tag:coderunner-judge-server", "tag:coderunner-judge-worker"], TrustedSources(fake, "coderunner-pg"));
        Assert.Equal(["tcp 2358 from tag:coderunner-runner"], Inbound(fake, "coderunner-lb", "coderunner-lb"));
    }

    [Fact]
    public async Task Given_a_firewall_opened_by_hand_When_provisioning_Then_its_rules_are_put_back()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);
        Assert.Equal(0, (await ProvisionRun.AgainstAsync(fake)).ExitCode);
        var lb = fake.Firewall("coderunner-lb");
        lb["inbound_rules"]!.AsArray().Add(new JsonObject
        {
            ["protocol"] = "tcp", ["ports"] = "2358", ["sources"] = new JsonObject { ["addresses"] = new JsonArray("0.0.0.0/0") },
        });
        fake.ClearRequests();

        var run = await ProvisionRun.AgainstAsync(fake);

        Assert.True(run.ExitCode == 0, run.All);
        var write = Assert.Single(fake.Requests, r => r.IsWrite);
        Assert.Equal($"PUT /v2/firewalls/{lb["id"]}", $"{write.Method} {write.Path}");
        Assert.Equal(["tcp 2358 from tag:coderunner-runner"], Inbound(fake, "coderunner-lb", "coderunner-lb"));
        Assert.Contains("firewall coderunner-lb: updated", run.Output);
    }

    [Fact]
    public async Task Given_three_servers_and_four_workers_When_dry_run_Then_the_plan_has_each_and_the_lb_lists_every_server()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);

        var run = await ProvisionRun.RunAsync(Token, ["--api-url", fake.Url.ToString(), "--dry-run", "--servers", "3", "--workers", "4", "--worker-size", "c-4"]);

        Assert.True(run.ExitCode == 0, run.All);
        for (var i = 1; i <= 3; i++)
        {
            Assert.Contains($"droplet judge0-server-{i}: would create (judge-server, s-1vcpu-2gb", run.Output);
        }
        for (var i = 1; i <= 4; i++)
        {
            Assert.Contains($"droplet judge0-worker-{i}: would create (judge-worker, c-4", run.Output);
        }
        Assert.DoesNotContain("judge0-server-4", run.Output);
        Assert.DoesNotContain("judge0-worker-5", run.Output);
        Assert.Contains("JUDGE_SERVERS=" + string.Join(",", Enumerable.Range(1, 3).Select(i => $"http://<private ip of judge0-server-{i}>:2358")), run.Output);
    }

    [Fact]
    public async Task Given_a_provisioned_account_When_run_again_with_more_workers_Then_only_the_new_ones_are_created_at_the_size_asked()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);
        Assert.Equal(0, (await ProvisionRun.AgainstAsync(fake)).ExitCode);

        var run = await ProvisionRun.AgainstAsync(fake, "--workers", "4", "--worker-size", "s-4vcpu-8gb");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("done: 2 created, 0 updated", run.Output);
        var sizes = fake.Droplets.ToDictionary(d => (string)d["name"]!, d => (string)d["request"]!["size"]!);
        Assert.Equal(9, sizes.Count);
        Assert.Equal(["s-2vcpu-4gb", "s-2vcpu-4gb", "s-4vcpu-8gb", "s-4vcpu-8gb"], Enumerable.Range(1, 4).Select(i => sizes[$"judge0-worker-{i}"]));
        Assert.DoesNotContain("warning", run.Output);
    }

    [Fact]
    public async Task Given_a_provisioned_account_When_run_again_with_more_servers_Then_it_warns_that_the_running_lb_must_be_told()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);
        Assert.Equal(0, (await ProvisionRun.AgainstAsync(fake)).ExitCode);

        var run = await ProvisionRun.AgainstAsync(fake, "--servers", "3");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("warning: droplet judge0-server-3 is new but the lb already runs: add it to JUDGE_SERVERS", run.Output);
    }

    [Fact]
    public async Task Given_no_languages_option_Then_worker_droplets_install_every_toolchain_and_other_roles_none()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);

        var run = await ProvisionRun.AgainstAsync(fake);

        Assert.True(run.ExitCode == 0, run.All);
        var install = AptInstall(fake.UserData("judge0-worker-1"));
        Assert.All(["bubblewrap", "nasm", "ghc", "octave", "kotlin", "scala", "clojure", "groovy", "elixir", "r-base-core", "gobjc", "dotnet-sdk-8.0", "python3"],
            p => Assert.Contains(p, install));
        Assert.Equal(install.Distinct().Count(), install.Count);
        Assert.DoesNotContain("apt-get install", fake.UserData("judge0-server-1"));
    }

    [Fact]
    public async Task Given_a_comma_list_of_languages_Then_worker_droplets_install_only_those_toolchains_and_the_sandbox()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);

        var run = await ProvisionRun.AgainstAsync(fake, "--languages", "python,kotlin");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal(["bubblewrap", "util-linux", "tar", "coreutils", "python3", "kotlin", "default-jdk-headless"], AptInstall(fake.UserData("judge0-worker-2")));
    }

    private static List<string> AptInstall(string userData) =>
        userData.Split('\n').Single(l => l.StartsWith("apt-get install", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith('-') && w is not "apt-get" and not "install").ToList();

    [Theory]
    [InlineData("--languages", "python,cobolt", "--languages: unknown language 'cobolt' (known: all, default, text,")]
    [InlineData("--workers", "0", "--workers: 0 is not between 1 and 50")]
    [InlineData("--servers", "11", "--servers: 11 is not between 1 and 10")]
    [InlineData("--worker-size", "Big One", "--worker-size: 'Big One' is not a Droplet size slug")]
    public async Task Given_a_scale_out_of_range_Then_a_usage_error_names_the_option(string option, string value, string message)
    {
        var run = await ProvisionRun.RunAsync(Token, ["--dry-run", option, value]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public async Task Given_dry_run_Then_prints_the_plan_and_sends_only_reads()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);

        var run = await ProvisionRun.RunAsync(Token, ["--api-url", fake.Url.ToString(), "--dry-run"]);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.NotEmpty(fake.Requests);
        Assert.All(fake.Requests, r => Assert.Equal("GET", r.Method));
        Assert.Contains("vpc coderunner-nyc3: would create", run.Output);
        foreach (var name in DropletNames)
        {
            Assert.Contains($"droplet {name}: would create ({RoleOf[name]}", run.Output);
        }
        foreach (var name in new[] { "coderunner-pg", "coderunner-redis", "coderunner-mongo" })
        {
            Assert.Contains($"database {name}: would create", run.Output);
        }
        foreach (var name in new[] { "client", "runner", "lb", "judge-server", "judge-worker" })
        {
            Assert.Contains($"firewall coderunner-{name}: would create", run.Output);
        }
        Assert.Contains("JUDGE_SERVERS=http://<private ip of judge0-server-1>:2358,http://<private ip of judge0-server-2>:2358", run.Output);
        Assert.Contains("plan: ", run.Output);
        Assert.Empty(fake.Droplets);
    }

    [Fact]
    public async Task Given_provisioned_account_When_dry_run_Then_everything_exists_and_secrets_are_masked()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);
        Assert.Equal(0, (await ProvisionRun.AgainstAsync(fake)).ExitCode);
        fake.Droplets.RemoveAll(d => (string)d["name"]! == "judge0-worker-1");
        fake.ClearRequests();

        var run = await ProvisionRun.RunAsync(Token, ["--api-url", fake.Url.ToString(), "--dry-run"]);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.All(fake.Requests, r => Assert.Equal("GET", r.Method));
        Assert.Contains("droplet judge0-server-1: exists", run.Output);
        Assert.Contains("droplet judge0-worker-1: would create", run.Output);
        Assert.Contains("POSTGRES_URL=postgresql://doadmin:***@private-coderunner-pg", run.Output);
        Assert.Contains("plan: 1 to create, 0 to update", run.Output);
        Assert.All(fake.Passwords, p => Assert.DoesNotContain(p, run.All));
    }

    [Fact]
    public async Task Given_each_droplet_Then_its_user_data_installs_the_release_and_carries_its_roles_env_with_the_right_private_addresses()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);

        Assert.Equal(0, (await ProvisionRun.AgainstAsync(fake)).ExitCode);

        var pg = (string)fake.Database("coderunner-pg")["private_connection"]!["uri"]!;
        var redis = (string)fake.Database("coderunner-redis")["private_connection"]!["uri"]!;
        var mongo = (string)fake.Database("coderunner-mongo")["private_connection"]!["uri"]!;
        var env = DropletNames.ToDictionary(n => n, n => EnvFile(fake.UserData(n), RoleOf[n]));
        Assert.Equal(
            $"http://{fake.PrivateIp("judge0-server-1")}:2358,http://{fake.PrivateIp("judge0-server-2")}:2358",
            env["judge0-lb"]["JUDGE_SERVERS"]);
        Assert.Equal($"http://{fake.PrivateIp("judge0-lb")}:2358", env["runner"]["JUDGE0_URL"]);
        Assert.Equal(mongo, env["runner"]["MONGO_URL"]);
        Assert.Equal($"http://{fake.PrivateIp("runner")}:4000", env["client"]["RUNNER_API_URL"]);
        foreach (var name in new[] { "judge0-server-1", "judge0-server-2", "judge0-worker-1", "judge0-worker-2" })
        {
            Assert.Equal(pg, env[name]["POSTGRES_URL"]);
            Assert.Equal(redis, env[name]["REDIS_URL"]);
            Assert.False(env[name].ContainsKey("MONGO_URL"));
        }
        Assert.False(env["client"].ContainsKey("POSTGRES_URL"));
        Assert.False(env["judge0-lb"].ContainsKey("REDIS_URL"));
        foreach (var name in DropletNames)
        {
            var script = fake.UserData(name);
            var role = RoleOf[name];
            Assert.StartsWith("#!/bin/bash\n", script);
            Assert.Contains(ProvisionRun.ReleaseUrl, script);
            Assert.Contains($"echo '{ProvisionRun.ReleaseSha256}  '\"$work/coderunner\" | sha256sum -c -", script);
            // The release is installed by scripts/install alone, carried with its unit files.
            Assert.Contains("cat > \"$work/scripts/install\" <<'CODERUNNER_FILE'\n" + File.ReadAllText(Path.Combine(DeployPaths.Root, "scripts", "install")), script);
            Assert.Contains("cat > \"$work/systemd/coderunner@.service\" <<'CODERUNNER_FILE'\n" + File.ReadAllText(Path.Combine(DeployPaths.Systemd, "coderunner@.service")), script);
            Assert.EndsWith($"\"$work/scripts/install\" --role {role} --binary \"$work/coderunner\" --version '0.1.0'\n", script);
            Assert.DoesNotContain("useradd", script[..script.IndexOf("<<'CODERUNNER_FILE'", StringComparison.Ordinal)]);
            Assert.DoesNotContain("systemctl", script[script.LastIndexOf("\nCODERUNNER_FILE\n", StringComparison.Ordinal)..]);
            Assert.Equal(role == "judge-worker", script.Contains("apt-get install -y -q --no-install-recommends bubblewrap"));
            Assert.True(Encoding.UTF8.GetByteCount(script) < 64 * 1024, $"{name}: {Encoding.UTF8.GetByteCount(script)} bytes");
            await AssertValidBashAsync(script);
        }
    }

    [Fact]
    public async Task Given_no_token_Then_exits_2_naming_the_variable_and_calls_nothing()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);

        var run = await ProvisionRun.RunAsync(null, ["--api-url", fake.Url.ToString(), "--dry-run"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("DIGITALOCEAN_TOKEN", run.Error);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Given_a_token_Then_it_never_appears_in_output_even_when_the_api_refuses_it()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);
        await using var other = await FakeDigitalOcean.StartAsync("dop_v1_someone_else");

        var ok = await ProvisionRun.AgainstAsync(fake);
        var refused = await ProvisionRun.RunAsync(Token, ["--api-url", other.Url.ToString(), "--release-url", ProvisionRun.ReleaseUrl]);

        Assert.True(ok.ExitCode == 0, ok.All);
        Assert.DoesNotContain(Token, ok.All);
        Assert.All(fake.Passwords, p => Assert.DoesNotContain(p, ok.All));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("401", refused.Error);
        Assert.Contains("DIGITALOCEAN_TOKEN", refused.Error);
        Assert.DoesNotContain(Token, refused.All);
        Assert.All(other.Requests, r => Assert.Equal(401, r.Status));
    }

    [Fact]
    public async Task Given_the_api_answers_429_Then_the_request_is_retried_after_retry_after_and_nothing_is_created_twice()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);
        fake.RateLimitNextDropletCreate = true;

        var run = await ProvisionRun.AgainstAsync(fake);

        Assert.True(run.ExitCode == 0, run.All);
        var creates = fake.Requests.Where(r => r is { Method: "POST", Path: "/v2/droplets" }).ToList();
        Assert.Equal(429, creates[0].Status);
        Assert.Equal(creates[0].Body, creates[1].Body);
        Assert.Equal(202, creates[1].Status);
        Assert.Equal(8, creates.Count);
        Assert.Equal(7, fake.Droplets.Count);
        Assert.Contains("rate limited by the API (POST /v2/droplets); retrying in 1s", run.Output);
    }

    [Fact]
    public async Task Given_redis_engine_option_Then_the_cache_is_created_with_that_engine()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);

        var run = await ProvisionRun.AgainstAsync(fake, "--redis-engine", "redis");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal("redis", (string)fake.Database("coderunner-redis")["engine"]!);
    }

    [Fact]
    public async Task Given_no_release_url_Then_a_real_run_exits_2_before_calling_the_api()
    {
        await using var fake = await FakeDigitalOcean.StartAsync(Token);

        var run = await ProvisionRun.RunAsync(Token, ["--api-url", fake.Url.ToString()]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--release-url", run.Error);
        Assert.Empty(fake.Requests);
    }

    private static List<string> TrustedSources(FakeDigitalOcean fake, string database) =>
        fake.DatabaseRules[(string)fake.Database(database)["id"]!].Select(r => $"{r!["type"]}:{r["value"]}").Order().ToList();

    /// <summary>The firewall's inbound rules as "tcp 80 from a,b", after checking it applies to exactly <paramref name="tag"/>.</summary>
    private static List<string> Inbound(FakeDigitalOcean fake, string firewall, string tag)
    {
        var f = fake.Firewall(firewall);
        Assert.Equal([tag], f["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Empty(f["droplet_ids"]!.AsArray());
        return f["inbound_rules"]!.AsArray().Select(r => $"{r!["protocol"]} {r["ports"]} from {Targets(r["sources"]!)}").Order().ToList();
    }

    private static string Targets(JsonNode target) => string.Join(",",
        (target["tags"]?.AsArray().Select(t => "tag:" + t) ?? []).Concat(target["addresses"]?.AsArray().Select(a => (string)a!) ?? []));

    /// <summary>The KEY=value lines the script writes to /etc/coderunner/&lt;role&gt;.env.</summary>
    private static Dictionary<string, string> EnvFile(string script, string role)
    {
        Assert.Contains($"env_file=\"$prefix/etc/coderunner/{role}.env\"\n", script);
        var start = script.IndexOf("(umask 077; cat > \"$env_file\") <<'CODERUNNER_ENV'\n", StringComparison.Ordinal);
        Assert.True(start >= 0, script);
        var body = script[(script.IndexOf('\n', start) + 1)..script.IndexOf("\nCODERUNNER_ENV\n", start, StringComparison.Ordinal)];
        return body.Split('\n').Where(l => !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    }

    private static async Task AssertValidBashAsync(string script)
    {
        var result = await Cli.Wrap("bash").WithArguments(["-n"]).WithStandardInputPipe(PipeSource.FromString(script))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, result.StandardError);
    }
}
