using CallCampaigns.Domain;
using CallCampaigns.Ledger.Calls;
using CallCampaigns.Ledger.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace CallCampaigns.Grains.Calls;

/// <summary>
/// Keeps the inbox from growing forever: deliveries applied longer ago than <see cref="EngineOptions.WebhookRetention"/>,
/// and deliveries for executions that are none of ours older than <see cref="EngineOptions.UnmatchedWebhookRetention"/>,
/// are deleted in small batches, with a pause between batches so that the webhook path never waits on it.
/// </summary>
public sealed class InboxRetention(InboxStore inbox, EngineClock time, IOptions<EngineOptions> options, ILogger<InboxRetention> logger)
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

    /// <summary>Deletes what is past its retention; returns how many deliveries.</summary>
    public async Task<int> SweepAsync(CancellationToken stoppingToken = default)
    {
        var deleted = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                var batch = await inbox.DeleteExpiredAsync(
                    UnixMs.From(now - options.Value.WebhookRetention), UnixMs.From(now - options.Value.UnmatchedWebhookRetention), Batch);
                deleted += batch;
                if (batch < Batch) break;
                await Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Inbox retention sweep failed: {Error}", e.Message);
        }

        if (deleted > 0) logger.LogInformation("Deleted {Count} webhook deliveries past their retention", deleted);
        return deleted;
    }
}
