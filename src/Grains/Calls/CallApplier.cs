using System.Collections.Concurrent;
using System.Threading.Channels;
using CallCampaigns.Bolna;
using CallCampaigns.Domain;
using CallCampaigns.Ledger.Calls;
using CallCampaigns.Ledger.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace CallCampaigns.Grains.Calls;

/// <summary>
/// Drains the webhook inbox. A stored delivery's execution is signalled at once (the hand-off stays immediate);
/// a sweep finds whatever no signal reached (a node died, a dial's answer came late). Each execution is applied in
/// one transaction that locks its call, decides every pending report in order, writes their effects and their
/// applied mark together, so a delivery takes effect once whichever node applies it. Then the campaign hears of it.
/// </summary>
public sealed class CallApplier(
    InboxStore inbox,
    IGrainFactory grains,
    EngineClock time,
    IHostApplicationLifetime lifetime,
    IOptions<EngineOptions> options,
    ILogger<CallApplier> logger) : BackgroundService
{
    /// <summary>How long deliveries for an execution none of our calls has yet wait before they are looked at again.</summary>
    private static readonly TimeSpan UnknownRecheck = TimeSpan.FromSeconds(30);

    private readonly Channel<string> _work = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly ConcurrentDictionary<string, byte> _scheduled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _again = new(StringComparer.Ordinal);

    private bool Applies => options.Value.InboxAppliers > 0;

    /// <summary>Has the execution's pending deliveries applied soon; an execution already being applied is looked at again after.</summary>
    public void Signal(string executionId)
    {
        if (!Applies) return;
        if (_scheduled.TryAdd(executionId, 0)) _work.Writer.TryWrite(executionId);
        else _again.TryAdd(executionId, 0);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Applies) return;
        await WhenStartedAsync(stoppingToken);
        var workers = Enumerable.Range(0, options.Value.InboxAppliers).Select(_ => WorkAsync(stoppingToken));
        await Task.WhenAll(workers.Append(SweepAsync(stoppingToken)));
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var executionId in _work.Reader.ReadAllAsync(stoppingToken))
            {
                do
                {
                    _again.TryRemove(executionId, out _);
                    await ApplyAsync(executionId);
                }
                while (_again.TryRemove(executionId, out _) && !stoppingToken.IsCancellationRequested);

                _scheduled.TryRemove(executionId, out _);
                if (_again.TryRemove(executionId, out _)) Signal(executionId);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.InboxSweepPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    foreach (var executionId in await inbox.DueExecutionsAsync(UnixMs.From(time.GetUtcNow()), 500)) Signal(executionId);
                }
                catch (Exception e)
                {
                    logger.LogWarning("Inbox sweep failed ({Error}); trying again in {Period}", e.Message, options.Value.InboxSweepPeriod);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Applies an execution's pending deliveries; a failure backs them off (and in the end sets the oldest aside).</summary>
    private async Task ApplyAsync(string executionId)
    {
        var now = time.GetUtcNow();
        long campaignId;
        CallNews? news;
        try
        {
            (campaignId, news) = await ApplyPendingAsync(executionId, now);
            _failures.TryRemove(executionId, out _);
        }
        catch (Exception e)
        {
            logger.LogWarning("Applying webhooks of call {ExecutionId} failed: {Error}", executionId, e.Message);
            try
            {
                if (await inbox.RecordFailureAsync(
                    executionId, e.ToString(), UnixMs.From(now), UnixMs.From(now + Backoff(executionId)), options.Value.WebhookSetAsideAfter))
                {
                    logger.LogError("A webhook of call {ExecutionId} failed {Count} times and was set aside: {Error}", executionId, options.Value.WebhookSetAsideAfter, e.Message);
                    _failures.TryRemove(executionId, out _);
                    Signal(executionId);
                }
            }
            catch (Exception again)
            {
                logger.LogDebug(again, "Could not record the failure of call {ExecutionId}", executionId);
            }

            return;
        }

        if (news is null || (news.Released == 0 && news.Moves.Count == 0)) return;
        try
        {
            await grains.GetGrain<ICampaignGrain>(campaignId).CallsChanged(news);
        }
        catch (Exception e)
        {
            // Written already; the campaign's safety net finds the freed slot if this news never reaches it.
            logger.LogWarning("Campaign {CampaignId} was not told of call {ExecutionId}: {Error}", campaignId, executionId, e.Message);
        }
    }

    private async Task<(long CampaignId, CallNews? News)> ApplyPendingAsync(string executionId, DateTimeOffset now)
    {
        await using var application = await inbox.BeginApplyAsync(executionId);
        if (application.Deliveries.Count == 0) return (0, null);
        if (application.Attempt is not { } attempt || application.Campaign is not { } campaign)
        {
            await application.WaitForDialAsync(UnixMs.From(now + UnknownRecheck));
            return (0, null);
        }

        var released = 0;
        var moves = new List<ItemMove>();
        foreach (var delivery in application.Deliveries)
        {
            if (BolnaWebhook.Parse(delivery.Payload).Update is not { } update) continue;
            if (CallOutcomes.Plan(campaign, attempt, update, now, options.Value.FinalDataCheckAfter) is not { } plan) continue;
            if (plan.ItemMovedTo == ItemStatus.Queued)
            {
                // A retry depends on the campaign still running: decide it again with the campaign locked.
                campaign = await application.LockCampaignAsync() ?? campaign;
                plan = CallOutcomes.Plan(campaign, attempt, update, now, options.Value.FinalDataCheckAfter)!;
            }

            if (await application.WriteAsync(plan.Write)) released++;
            if (plan.ItemMovedTo is { } status) moves.Add(new ItemMove(attempt.ItemId, status, update.Status, attempt.Attempt));
            attempt = plan.Attempt;
        }

        await application.CommitAsync(UnixMs.From(now));
        if (application.Deliveries.Count == 100) Signal(executionId);
        return (campaign.Id, new CallNews(released, moves));
    }

    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    /// <summary>1 s, 2 s, 4 s ... up to 5 minutes between tries of one execution.</summary>
    private TimeSpan Backoff(string executionId)
    {
        var failures = _failures.AddOrUpdate(executionId, 1, (_, n) => Math.Min(n + 1, 16));
        if (_failures.Count > 10_000) _failures.Clear();
        return TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, failures - 1)));
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        return started.Task;
    }
}
