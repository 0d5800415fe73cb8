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
    private readonly ConcurrentDictionary<string, byte> _alone = new(StringComparer.Ordinal);

    /// <summary>Most executions applied in one transaction.</summary>
    private const int BatchSize = 32;

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
        var batch = new List<string>(BatchSize);
        string? carried = null;
        try
        {
            while (carried is not null || await _work.Reader.WaitToReadAsync(stoppingToken))
            {
                // Executions signalled together are applied in one transaction; one that failed in company goes alone.
                if (carried is not null) batch.Add(carried);
                carried = null;
                while (!(batch.Count == 1 && _alone.ContainsKey(batch[0])) && batch.Count < BatchSize && _work.Reader.TryRead(out var executionId))
                {
                    if (_alone.ContainsKey(executionId) && batch.Count > 0)
                    {
                        carried = executionId;
                        break;
                    }

                    batch.Add(executionId);
                }

                if (batch.Count == 0) continue;
                foreach (var executionId in batch) _again.TryRemove(executionId, out _);
                await ApplyAsync(batch);
                foreach (var executionId in batch)
                {
                    _scheduled.TryRemove(executionId, out _);
                    if (_again.TryRemove(executionId, out _)) Signal(executionId);
                }

                batch.Clear();
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

    /// <summary>
    /// Applies the executions' pending deliveries in one transaction. When that fails, a batch of several is tried
    /// again one execution at a time; a lone execution backs off (and in the end has its oldest delivery set aside).
    /// </summary>
    private async Task ApplyAsync(IReadOnlyList<string> executionIds)
    {
        var now = time.GetUtcNow();
        // An execution that failed goes alone, and then one delivery at a time: the failure is then that delivery's,
        // not the oldest of several applied together (a good one would be set aside for a bad one behind it).
        var alone = executionIds.Count == 1 && _alone.ContainsKey(executionIds[0]);
        IReadOnlyList<(long CampaignId, CallNews News)> news;
        try
        {
            (news, var more) = await ApplyPendingAsync(executionIds, now, alone ? 1 : InboxStore.MaxDeliveriesApplied);
            foreach (var executionId in executionIds) _alone.TryRemove(executionId, out _);
            if (alone || more) foreach (var executionId in executionIds) _again.TryAdd(executionId, 0); // the deliveries behind those applied
        }
        catch (Exception e)
        {
            if (executionIds.Count > 1 || !alone)
            {
                foreach (var executionId in executionIds) _alone.TryAdd(executionId, 0);
                foreach (var executionId in executionIds) _again.TryAdd(executionId, 0);
                return;
            }

            await RecordFailureAsync(executionIds[0], e, now);
            return;
        }

        foreach (var (campaignId, changes) in news) await TellAsync(campaignId, changes);
    }

    /// <summary>
    /// Applies the execution's pending deliveries at once, in the turn of the campaign that has just recorded the
    /// dial's answer, and returns that campaign's news instead of sending it (the campaign is busy with this very
    /// turn): deliveries that came before the dial's answer (a line that ended while Bolna was still answering the
    /// dial) free their slot in the same turn, as webhooks did before the inbox. Null when nothing needs the
    /// campaign's attention here. A failure, or more deliveries than one application reads, is left to the workers
    /// (with their retries and set-aside); the locks make a concurrent worker's application of the same execution
    /// a no-op.
    /// </summary>
    public async Task<CallNews?> ApplyNowAsync(long campaignId, string executionId)
    {
        if (!Applies) return null;
        IReadOnlyList<(long CampaignId, CallNews News)> news;
        try
        {
            (news, var more) = await ApplyPendingAsync([executionId], time.GetUtcNow(), InboxStore.MaxDeliveriesApplied);
            if (more) Signal(executionId);
        }
        catch (Exception e)
        {
            logger.LogInformation("Webhooks of call {ExecutionId} could not be applied with its dial's answer ({Error}); the applier tries again", executionId, e.Message);
            Signal(executionId);
            return null;
        }

        CallNews? own = null;
        foreach (var (id, changes) in news)
        {
            if (id == campaignId) own = changes;
            else await TellAsync(id, changes);
        }

        return own;
    }

    private async Task TellAsync(long campaignId, CallNews news)
    {
        try
        {
            await grains.GetGrain<ICampaignGrain>(campaignId).CallsChanged(news);
        }
        catch (Exception e)
        {
            // Written already; the campaign's safety net finds the freed slot if this news never reaches it.
            logger.LogWarning("Campaign {CampaignId} was not told of its calls' news: {Error}", campaignId, e.Message);
        }
    }

    private async Task RecordFailureAsync(string executionId, Exception error, DateTimeOffset now)
    {
        logger.LogWarning("Applying webhooks of call {ExecutionId} failed: {Error}", executionId, error.Message);
        try
        {
            if (await inbox.RecordFailureAsync(executionId, error.ToString(), UnixMs.From(now), options.Value.WebhookSetAsideAfter, Backoff))
            {
                logger.LogError("A webhook of call {ExecutionId} failed {Count} times and was set aside: {Error}", executionId, options.Value.WebhookSetAsideAfter, error.Message);
                _again.TryAdd(executionId, 0);
            }
        }
        catch (Exception again)
        {
            logger.LogDebug(again, "Could not record the failure of call {ExecutionId}", executionId);
        }
    }

    /// <summary>Applies the executions' pending deliveries in one transaction: each campaign's news, and whether more deliveries wait.</summary>
    private async Task<(IReadOnlyList<(long CampaignId, CallNews News)> News, bool More)> ApplyPendingAsync(
        IReadOnlyList<string> executionIds, DateTimeOffset now, int deliveries)
    {
        await using var application = await inbox.BeginApplyAsync(executionIds, deliveries);
        if (application.Executions.Count == 0) return ([], false);
        var moves = new Dictionary<long, List<ItemMove>>();
        var releasing = new List<long>(); // each write's campaign, in order
        foreach (var execution in application.Executions)
        {
            if (execution.Attempt is not { } attempt || execution.Campaign is not { } campaign) continue;
            foreach (var delivery in execution.Deliveries)
            {
                if (BolnaWebhook.Parse(delivery.Payload).Update is not { } update) continue;
                if (CallOutcomes.Plan(campaign, attempt, update, now, options.Value.FinalDataCheckAfter) is not { } plan) continue;
                if (plan.ItemMovedTo == ItemStatus.Queued)
                {
                    // A retry depends on the campaign still running: decide it again with the campaign locked.
                    campaign = await application.LockCampaignAsync(campaign) ?? campaign;
                    plan = CallOutcomes.Plan(campaign, attempt, update, now, options.Value.FinalDataCheckAfter)!;
                }

                application.Write(plan.Write);
                releasing.Add(campaign.Id);
                if (plan.ItemMovedTo is { } status)
                {
                    if (!moves.TryGetValue(campaign.Id, out var campaignMoves)) moves[campaign.Id] = campaignMoves = [];
                    campaignMoves.Add(new ItemMove(attempt.ItemId, status, update.Status, attempt.Attempt));
                }

                attempt = plan.Attempt;
            }
        }

        var released = await application.CommitAsync(UnixMs.From(now), UnixMs.From(now + UnknownRecheck));
        var freed = releasing.Where((_, i) => released[i]).CountBy(id => id).ToDictionary();
        var news = moves.Keys.Union(freed.Keys).Select(id => (id, new CallNews(freed.GetValueOrDefault(id), moves.GetValueOrDefault(id) ?? [])));
        return (news.ToArray(), application.More);
    }

    /// <summary>1 s, 2 s, 4 s ... up to 5 minutes after the <paramref name="failures"/>-th failure.</summary>
    private static TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Clamp(failures, 1, 16) - 1)));

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        return started.Task;
    }
}
