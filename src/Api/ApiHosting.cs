using System.Text.Json.Serialization;
using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Endpoints;
using CallCampaigns.Api.Forecasts;
using CallCampaigns.Api.Imports;
using CallCampaigns.Bolna;
using CallCampaigns.Grains;
using CallCampaigns.Silo;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace CallCampaigns.Api;

/// <summary>The node's HTTP side: authentication, problem details, the routes of API.md, and the start-up banner.</summary>
public static class ApiHosting
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplicationBuilder AddCallCampaignsApi(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]) && string.IsNullOrWhiteSpace(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.AddCallCampaignsNode();
        builder.Services.Configure<ApiDefaults>(builder.Configuration.GetSection("Contacts"));
        builder.Services.Configure<ApiDefaults>(builder.Configuration.GetSection("Campaigns"));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequests>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true); // BadRequests answers them
        builder.Services.Configure<ImportOptions>(builder.Configuration.GetSection(ImportOptions.Section));
        builder.Services.AddSingleton<CsvImporter>();
        builder.Services.AddSingleton<SuppressionImporter>();
        builder.Services.AddSingleton<DashboardSessions>();
        builder.Services.AddSingleton<CampaignForecasts>();
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        MeApi.AddPolicies(builder.Services.AddAuthorizationBuilder());
        builder.Services.AddOpenApi();
        EngineMetrics.Start();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(EngineMetrics.MeterName, "Microsoft.Orleans")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication UseCallCampaignsApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // The web app (wwwroot): public files, served before authentication; it calls the API with the user's key.
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache" });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", options => options.WithTitle("Call Campaigns API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthApi();
        app.MapAdminApi();
        app.MapCallingRulesApi();
        app.MapSuppressionsApi();
        app.MapMeApi();
        app.MapContactsApi();
        app.MapCampaignsApi();
        app.MapWebhooksApi();
        app.MapInboxAdminApi();
        app.MapImportsApi();
        app.MapDashboardApi();
        app.Lifetime.ApplicationStarted.Register(() => Announce(app));
        return app;
    }

    /// <summary>Tells the simulator where to post, and prints how to reach the node.</summary>
    private static void Announce(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? DefaultUrl;
        var secrets = app.Services.GetRequiredService<NodeSecrets>();
        var webhook = new Uri($"{address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal)}/api/webhooks/bolna?token={Uri.EscapeDataString(secrets.WebhookSecret)}");
        if (app.Services.GetService<SimulatorWebhookTarget>() is { } target) target.WebhookUrl = webhook;

        var mode = app.Services.GetRequiredService<NodeMode>();
        var lines = new List<string> { "", $"Call Campaigns is running at {address} ({(mode.IsCluster ? "cluster mode on PostgreSQL" : $"embedded, data in {mode.DataPath}")})" };
        lines.Add($"  Web app: open {address}/ in a browser and sign in with a user's key (or the admin key).");
        if (secrets.GeneratedNow)
        {
            lines.Add($"  Admin key:       {secrets.AdminKey}");
            lines.Add($"  Webhook secret:  {secrets.WebhookSecret}");
            if (secrets.DemoUserKey is { } demo) lines.Add($"  Demo user key:   {demo}   (user '{NodePreparationInfo.DemoUserId}')");
            lines.Add($"  These were generated now and are kept in {secrets.File}.");
        }
        else if (secrets.File is not null)
        {
            lines.Add($"  The admin key, webhook secret and demo user key are in {secrets.File}.");
        }

        lines.Add($"  Bolna webhook URL: {webhook.GetLeftPart(UriPartial.Path)}?token=<webhook secret>");
        Console.WriteLine(string.Join(Environment.NewLine, lines) + Environment.NewLine);
    }
}
