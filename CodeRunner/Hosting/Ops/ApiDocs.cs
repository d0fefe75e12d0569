using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace CodeRunner.Hosting.Ops;

/// <summary>
/// One OpenAPI document per role, holding only the endpoints of that role, at /api/openapi.json
/// on the role's listeners, and a reference UI at /api/docs (Scalar; its script is embedded in the
/// binary, nothing is fetched from a CDN).
/// </summary>
internal static class ApiDocs
{
    public const string DocumentPath = "/api/openapi.json";
    public const string DocsPath = "/api/docs";

    public static void AddApiDocs(this IServiceCollection services, Roles roles)
    {
        foreach (var (role, name, _) in RoleSections.On(roles))
        {
            services.AddOpenApi(name, options =>
            {
                options.ShouldInclude = description =>
                    description.ActionDescriptor.EndpointMetadata.OfType<RoleEndpointMetadata>().Any(m => m.Role == role);
                options.AddDocumentTransformer((document, _, _) =>
                {
                    document.Info.Title = $"CodeRunner {name}";
                    document.Info.Version = typeof(ApiDocs).Assembly.GetName().Version?.ToString(3) ?? "0";
                    return Task.CompletedTask;
                });
            });
        }
    }

    public static void MapApiDocs(this IEndpointRouteBuilder role, string name)
    {
        role.MapGet(DocumentPath, (HttpContext context, CancellationToken ct) => WriteDocumentAsync(context, name, ct))
            .ExcludeFromDescription();
        role.MapScalarApiReference(DocsPath, options => options
            .WithTitle($"CodeRunner {name}")
            .WithOpenApiRoutePattern(DocumentPath));
    }

    private static async Task WriteDocumentAsync(HttpContext context, string name, CancellationToken ct)
    {
        var provider = context.RequestServices.GetRequiredKeyedService<IOpenApiDocumentProvider>(name);
        var document = await provider.GetOpenApiDocumentAsync(ct);
        await using var text = new StringWriter();
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(text.ToString(), ct);
    }
}
