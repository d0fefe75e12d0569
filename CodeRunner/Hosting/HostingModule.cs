using System.Net;
using System.Reflection;
using Carter;
using CodeRunner.Hosting.Ops;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Configuration.Json;

namespace CodeRunner.Hosting;

/// <summary>The shared host: configuration layers, logging, one set of listeners per role, Carter.</summary>
public static class HostingModule
{
    private const string ModulesKey = "coderunner.carter-modules";

    /// <summary>
    /// Configuration, lowest first: the appsettings.json embedded in the binary, an appsettings.json
    /// in the working directory, environment variables (Section__Key), then command-line flags.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(RunOptions options)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // No file watcher on the working directory: a worker started where its boxes live was
            // woken by every box it created or wiped (about 4% of its CPU per job). Configuration
            // is read at start; change it by restarting, as systemd does.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Configuration.Sources.Insert(0, EmbeddedAppSettings());
        builder.Configuration.AddInMemoryCollection(options.Settings);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<MatcherPolicy, RoleMatcherPolicy>();
        builder.AddConsoleLogging();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        return builder;
    }

    public static Roles Roles(this IHostApplicationBuilder builder) =>
        builder.Services.Single(s => s.ServiceType == typeof(RunOptions)).ImplementationInstance is RunOptions o
            ? o.Roles
            : Hosting.Roles.None;

    /// <summary>Opens the listeners of <paramref name="role"/>, tagging their connections with it.</summary>
    public static void ListenAs(this WebApplicationBuilder builder, Roles role, string urlsKey)
    {
        var urls = builder.Configuration[urlsKey];
        if (string.IsNullOrWhiteSpace(urls))
        {
            throw new InvalidOperationException($"{urlsKey} is empty: {RoleNames.Describe(role)} needs a listen URL");
        }
        var endpoints = urls.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(url => ParseListenUrl(urlsKey, url))
            .ToList();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var endpoint in endpoints)
            {
                kestrel.Listen(endpoint, listen => listen.Use(RoleMatcherPolicy.TagConnections(role)));
            }
        });
    }

    internal static IPEndPoint ParseListenUrl(string key, string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri)
            || uri.Scheme != "http")
        {
            throw new InvalidOperationException($"{key}: '{url}' is not a listen URL like http://127.0.0.1:2358");
        }
        var address = uri.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(uri.Host.Trim('[', ']'));
        return new IPEndPoint(address, uri.Port);
    }

    /// <summary>Roles add their Carter modules here; <see cref="AddCarterModules"/> registers exactly those.</summary>
    public static void AddCarterModule<TModule>(this IHostApplicationBuilder builder) where TModule : ICarterModule
    {
        if (!builder.Properties.TryGetValue(ModulesKey, out var list))
        {
            builder.Properties[ModulesKey] = list = new List<Type>();
        }
        ((List<Type>)list).Add(typeof(TModule));
    }

    /// <summary>
    /// Carter with its assembly catalog given explicitly (a single-file binary has no dependency
    /// context to scan) and only the modules of the roles that are on.
    /// </summary>
    public static void AddCarterModules(this IHostApplicationBuilder builder)
    {
        var modules = builder.Properties.TryGetValue(ModulesKey, out var list) ? ((List<Type>)list).ToArray() : [];
        builder.Services.AddCarter(
            new DependencyContextAssemblyCatalog([typeof(HostingModule).Assembly]),
            c => c.WithModules(modules).WithValidators());
    }

    private static JsonStreamConfigurationSource EmbeddedAppSettings()
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("appsettings.json")
            ?? throw new InvalidOperationException("appsettings.json is not embedded in the binary");
        return new JsonStreamConfigurationSource { Stream = stream };
    }
}
