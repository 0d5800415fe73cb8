using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Grains.Calls;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace CallCampaigns.Integration.Tests.Cluster;

/// <summary>
/// A TestingHost cluster of several silos on PostgreSQL, dialling the fake Bolna, with webhooks delivered through
/// a door that can drop, repeat and delay them, and a heartbeat that ticks the singletons as every node does.
/// </summary>
public sealed class PostgresTestCluster : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private WebApplication? _door;
    private Task? _heartbeat;

    private PostgresTestCluster(InProcessTestCluster cluster, LedgerDatabase ledger)
    {
        Cluster = cluster;
        Ledger = ledger;
    }

    public InProcessTestCluster Cluster { get; }

    public LedgerDatabase Ledger { get; }

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Decides, for each delivery, whether to drop it, how many times to send it, and how long to hold it.</summary>
    public Func<(bool Drop, int Copies, TimeSpan Delay)> Delivery { get; set; } = () => (false, 1, TimeSpan.Zero);

    public static async Task<PostgresTestCluster> StartAsync(string connectionString, int silos, FakeBolna bolna, IReadOnlyDictionary<string, string?> engine)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dialer:Mode"] = "Bolna",
            ["Bolna:ApiKey"] = bolna.ApiKey,
            ["Bolna:BaseUrl"] = bolna.BaseUrl.ToString(),
        }).AddInMemoryCollection(engine).Build();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureHost(host => host.Logging.SetMinimumLevel(LogLevel.Error));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAdoNetGrainStorageAsDefault(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = connectionString;
            });
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddCallCampaignsServices(settings, LedgerDatabase.ForPostgres(connectionString));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var chaos = new PostgresTestCluster(cluster, LedgerDatabase.ForPostgres(connectionString));
        bolna.WebhookUrls.Add(await chaos.OpenDoorAsync());
        chaos._heartbeat = chaos.BeatAsync(TimeSpan.FromMilliseconds(300));
        return chaos;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_heartbeat is not null) await _heartbeat;
        if (_door is not null) await _door.DisposeAsync();
        await Cluster.DisposeAsync();
        Ledger.Dispose();
        _stop.Dispose();
    }

    private async Task<string> OpenDoorAsync()
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _door = builder.Build();
        _door.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var (drop, copies, delay) = Delivery();
            if (drop) return Results.Ok();
            _ = Task.Run(async () =>
            {
                await Task.Delay(delay);
                for (var i = 0; i < copies; i++)
                {
                    try
                    {
                        await Reports().ReceiveAsync(body);
                    }
                    catch (Exception)
                    {
                        // A silo went down mid-delivery: the reconciler will learn the call's state from Bolna.
                    }
                }
            });
            return Results.Ok();
        });
        await _door.StartAsync();
        return $"http://127.0.0.1:{port}/hook";
    }

    /// <summary>The webhook intake of a live silo, as a load balancer in front of the nodes would pick one.</summary>
    private CallReports Reports()
    {
        var silos = Cluster.Silos;
        var silo = (InProcessSiloHandle)silos[Random.Shared.Next(silos.Count)];
        return silo.SiloHost.Services.GetRequiredService<CallReports>();
    }

    private async Task BeatAsync(TimeSpan period)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Grains.GetGrain<ISystemConcurrencyGrain>(ISystemConcurrencyGrain.Key).Tick();
                await Grains.GetGrain<ICallReconcilerGrain>(ICallReconcilerGrain.Key).Tick();
            }
            catch (Exception)
            {
                // The singletons may be moving after a silo died; a tick still in flight when the cluster stops is moot.
                if (_stop.IsCancellationRequested) return;
            }

            try
            {
                await Task.Delay(period, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
