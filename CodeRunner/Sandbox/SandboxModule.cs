using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Sandbox;

public static class SandboxModule
{
    /// <summary>
    /// Registers ISandbox (bubblewrap + cgroups) from the "Sandbox" section. It is created, and
    /// the machine checked, when first resolved: a missing tool or privilege throws then.
    /// </summary>
    public static IServiceCollection AddSandbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SandboxOptions>(configuration.GetSection("Sandbox"));
        services.AddSingleton<ISandbox>(sp => OperatingSystem.IsLinux()
            ? BwrapSandbox.Create(sp.GetRequiredService<IOptions<SandboxOptions>>().Value)
            : throw new PlatformNotSupportedException("the sandbox needs Linux (bubblewrap, cgroups)"));
        return services;
    }
}
