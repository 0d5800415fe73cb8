using CallCampaigns.Domain;
using CallCampaigns.Grains;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Users;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Silo;

/// <summary>
/// Once the node serves: wakes every campaign that may still dial (reminders of the embedded default do not
/// survive a restart), then ticks the slot allocator and the call reconciler. Every node ticks; the grains are
/// singletons, so the work is done once however many nodes there are.
/// </summary>
internal sealed class NodeHeartbeat(
    IGrainFactory grains,
    CampaignStore campaigns,
    UserStore users,
    IHostApplicationLifetime lifetime,
    IOptions<EngineOptions> options,
    EngineClock time,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    private TimeSpan Period => options.Value.HeartbeatPeriod;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WhenStartedAsync(stoppingToken);
        try
        {
            var running = await campaigns.ListRunningIdsAsync();
            await Parallel.ForEachAsync(running, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stoppingToken },
                async (id, _) => await grains.GetGrain<ICampaignGrain>(id).Wake());
            if (running.Count > 0) logger.LogInformation("Woke {Count} running campaigns", running.Count);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Waking running campaigns failed; their reminders will wake them");
        }

        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await grains.GetGrain<ISystemConcurrencyGrain>(ISystemConcurrencyGrain.Key).Tick();
                await grains.GetGrain<ICallReconcilerGrain>(ICallReconcilerGrain.Key).Tick();
                var (active, queued) = await users.TotalsAsync();
                EngineMetrics.RecordLedger(active, queued);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Heartbeat failed; trying again in {Period}", Period);
            }
        }
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        return started.Task;
    }
}
