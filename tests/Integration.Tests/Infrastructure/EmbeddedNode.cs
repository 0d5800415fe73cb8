using CallCampaigns.Api;
using CallCampaigns.Silo;
using CallCampaigns.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallCampaigns.Integration.Tests.Infrastructure;

/// <summary>
/// A whole node inside the test process (the same builder the run command uses) on free ports, with its data in a
/// folder the test owns, so the test can stop it and start another node on the same data.
/// </summary>
public sealed class EmbeddedNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddedNode(WebApplication app, Uri baseUrl, NodeLog log)
    {
        _app = app;
        BaseUrl = baseUrl;
        Log = log;
    }

    public Uri BaseUrl { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The engine's log lines at Information and above, for a test's failure message.</summary>
    public NodeLog Log { get; }

    public string AdminKey => _app.Services.GetRequiredService<NodeSecrets>().AdminKey;

    public string WebhookSecret => _app.Services.GetRequiredService<NodeSecrets>().WebhookSecret;

    public string? DemoUserKey => _app.Services.GetRequiredService<NodeSecrets>().DemoUserKey;

    public CampaignsClient Admin() => new(BaseUrl, AdminKey);

    /// <summary>
    /// Starts a node on <paramref name="dataPath"/>; <paramref name="services"/>, when given, changes the node's
    /// services after the product registered them (a fault a test cannot cause from outside).
    /// </summary>
    public static async Task<EmbeddedNode> StartAsync(
        string dataPath, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Storage:DataPath"] = dataPath,
            ["Orleans:SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Simulator:SpeedFactor"] = "100",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        if (time is not null) builder.Services.AddSingleton(new CallCampaigns.Domain.EngineClock(time)); // the engine's clock only, not Orleans'
        var log = new NodeLog();
        builder.Logging.AddProvider(log);
        builder.Logging.AddFilter<NodeLog>("CallCampaigns", LogLevel.Information);
        builder.AddCallCampaignsApi();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseCallCampaignsApi();
        await app.StartAsync();
        return new EmbeddedNode(app, new Uri($"http://127.0.0.1:{port}/"), log);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
