using CallCampaigns.Domain;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Ledger.Calls;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using Microsoft.Extensions.Hosting;

namespace CallCampaigns.Grains.Calls;

/// <summary>
/// Keeps the ledger from growing forever: deliveries applied longer ago than <see cref="EngineOptions.WebhookRetention"/>,
/// deliveries for executions that are none of ours older than <see cref="EngineOptions.UnmatchedWebhookRetention"/>,
/// and counted dials older than the longest window a frequency cap can have (<see cref="CallCap.MostHours"/>), are
/// deleted in small batches, with a pause between batches so that the webhook path and the claims never wait on it.
/// </summary>
public sealed class LedgerRetention(
    InboxStore inbox, QueueStore queue, EngineClock time, IOptions<EngineOptions> options, ILogger<LedgerRetention> logger)
    : BackgroundService
{
    private const int Batch = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var period = options.Value.RetentionSweepPeriod;
            await Task.Delay(period < TimeSpan.FromSeconds(30) ? period : TimeSpan.FromSeconds(30), stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                await SweepAsync(stoppingToken);
                await Task.Delay(period, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Deletes what is past its retention; returns how many webhook deliveries and how many counted dials.</summary>
    public async Task<(int Deliveries, int Dials)> SweepAsync(CancellationToken stoppingToken = default)
    {
        var deliveries = await SweepAsync("webhook deliveries", () =>
        {
            var now = time.GetUtcNow();
            return inbox.DeleteExpiredAsync(
                UnixMs.From(now - options.Value.WebhookRetention), UnixMs.From(now - options.Value.UnmatchedWebhookRetention), Batch);
        }, stoppingToken);
        var dials = await SweepAsync("counted dials", () =>
            queue.DeleteDialsBeforeAsync(UnixMs.From(time.GetUtcNow() - TimeSpan.FromHours(CallCap.MostHours)), Batch), stoppingToken);
        return (deliveries, dials);
    }

    private async Task<int> SweepAsync(string what, Func<Task<int>> deleteBatch, CancellationToken stoppingToken)
    {
        var deleted = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = await deleteBatch();
                deleted += batch;
                if (batch < Batch) break;
                await Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Retention sweep of {What} failed: {Error}", what, e.Message);
        }

        if (deleted > 0) logger.LogInformation("Deleted {Count} {What} past their retention", deleted, what);
        return deleted;
    }
}
