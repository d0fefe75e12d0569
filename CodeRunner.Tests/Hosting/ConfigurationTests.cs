using CodeRunner.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.Hosting;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task Given_the_host_Then_no_configuration_file_is_watched_for_changes()
    {
        await using var app = Program.Build(RunOptions.For(Roles.None));

        var root = (IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>();
        var files = root.Providers.OfType<JsonConfigurationProvider>().ToList();

        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} is watched"));
    }
}
