using CallCampaigns.Domain;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using CallCampaigns.Ledger.Slots;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>
/// One campaign, as a coordinator. Every change (a new item, a granted slot, a call's news, a lifecycle move, a timer
/// or reminder) ends in <see cref="PumpAsync"/>, which reads the campaign afresh, has the <see cref="Dispatcher"/> dial
/// what is due with the slots it holds (<see cref="SlotAccount"/>), and arranges to be woken for what comes next
/// (<see cref="WakeSchedule"/>); <see cref="DialAnswers"/> applies the dialer's answers, <see cref="CampaignFeed"/>
/// tells the live streams. The queue lives in the ledger; the grain holds only the slots granted to it but not yet used.
/// </summary>
public sealed class CampaignGrain(
    CampaignStore campaigns,
    QueueStore queue,
    HoldStore holds,
    SlotLeaseStore leases,
    Dispatcher dispatcher,
    DialAnswers dials,
    EngineClock time,
    IOptions<EngineOptions> options,
    ILogger<CampaignGrain> logger) : Grain, ICampaignGrain, IRemindable
{
    private CampaignFeed _feed = null!;
    private SlotAccount _slots = null!;
    private WakeSchedule _wake = null!;
    private DateTimeOffset _holdUntil; // the dialer asked the campaign to hold its dials (a rate limit)
    private Campaign? _campaign;

    private long Id => this.GetPrimaryKeyLong();

    private DateTimeOffset Now => time.GetUtcNow();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _feed = new CampaignFeed(Id, logger);
        _slots = new SlotAccount(Id, leases, GrainFactory);
        _wake = new WakeSchedule(Id, this, PumpAsync, campaigns, _feed, time, options.Value.SafetyNetPeriod);
        return Task.CompletedTask;
    }

    Task ICampaignGrain.Wake() => PumpAsync(reassert: true);

    /// <summary>
    /// The safety net: besides looking at the campaign afresh, it tells the user its demand again, because the
    /// user's and the system's memory of who waits is rebuilt from such reports after a silo dies.
    /// </summary>
    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => PumpAsync(reassert: true);

    async Task ICampaignGrain.SlotsGranted(IReadOnlyList<long> leaseIds)
    {
        _slots.Granted(leaseIds);
        await PumpAsync();
    }

    async Task ICampaignGrain.CallsChanged(CallNews news)
    {
        Take(news);
        // Most reports (ringing, in-progress, the final data after the line ended) change nothing the queue cares about.
        if (news.WorthALook) await PumpAsync();
    }

    private void Take(CallNews news)
    {
        _slots.Released(news.Released);
        foreach (var move in news.Moves) _feed.Item(Now, move.ItemId, move.Status, move.Outcome, move.Attempt);
    }

    async Task ICampaignGrain.DialAnswered(DialRequest request, DialResult result)
    {
        if (await CurrentAsync() is not { } campaign) return;
        var effect = await dials.AnsweredAsync(campaign, request, result);
        // A placed call's webhooks say what comes next, unless some came before the answer and freed its slot already.
        if (result.Outcome == DialOutcome.Accepted && !effect.WorthALook)
        {
            if (effect.News is { } news) Take(news);
            return;
        }

        await AfterDialAsync(effect);
    }

    async Task ICampaignGrain.DialResolved(long itemId, int attempt, DialResolution resolution) =>
        await AfterDialAsync(await dials.ResolvedAsync(Id, itemId, attempt, resolution));

    async Task ICampaignGrain.GiveUpCall(long itemId, int attempt, string outcome, string reason)
    {
        logger.LogWarning("Campaign {CampaignId} item {ItemId} given up ({Outcome}): {Reason}", Id, itemId, outcome, reason);
        if (await queue.RecordDialRejectedAsync(Id, itemId, attempt, outcome, reason, Now)) _slots.Released(1);
        await PumpAsync();
    }

    private async Task AfterDialAsync(DialEffect effect)
    {
        if (effect.News is { } news) Take(news);
        _slots.Released(effect.Released);
        if (effect.HoldUntil > _holdUntil) _holdUntil = effect.HoldUntil.Value;
        await PumpAsync();
    }

    Task ICampaignGrain.Subscribe(ICampaignObserver observer)
    {
        _feed.Subscribe(observer);
        return Task.CompletedTask;
    }

    Task ICampaignGrain.Unsubscribe(ICampaignObserver observer)
    {
        _feed.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    Task ICampaignGrain.ReportImport(ImportProgress progress)
    {
        _feed.Import(Now, progress);
        return Task.CompletedTask;
    }

    Task<LifecycleResult> ICampaignGrain.Pause() => MoveAsync(LifecycleMove.Pause);

    Task<LifecycleResult> ICampaignGrain.Resume() => MoveAsync(campaign => LifecycleMove.Resume(campaign, Now));

    Task<LifecycleResult> ICampaignGrain.Cancel() => MoveAsync(LifecycleMove.Cancel);

    async Task<LifecycleResult> ICampaignGrain.Edit(CampaignSettings settings)
    {
        if (await CurrentAsync() is not { } campaign || CampaignStatus.IsFinal(campaign.Status))
        {
            return LifecycleResult.NotAllowed("the campaign has already ended");
        }

        var now = Now;
        var edited = Settings.Apply(campaign, settings, now);
        var replan = Settings.ReschedulesQueue(campaign, edited)
            ? new QueueReplan(QueuePlan.Spread(edited.Pacing, edited.Window, await campaigns.CountUntriedAsync(Id), now))
            : null;
        await campaigns.EditAsync(edited, replan);
        logger.LogInformation("Campaign {CampaignId} edited; queue re-planned: {Replanned}", Id, replan is not null);
        await PumpAsync();
        return LifecycleResult.Ok;
    }

    /// <summary>
    /// Moves the campaign as <paramref name="move"/> says. After a pause or cancel, the calls Bolna accepted but has
    /// not started (waiting in its queue) are stopped, so none starts afterwards; a cancel also ends the queued items.
    /// </summary>
    private async Task<LifecycleResult> MoveAsync(Func<Campaign, LifecycleMove> move)
    {
        if (await CurrentAsync() is not { } campaign) return LifecycleResult.NotAllowed("the campaign no longer exists");
        var moved = move(campaign);
        if (moved.To is not { } status) return LifecycleResult.NotAllowed(moved.NotAllowed!);
        await campaigns.SetStatusAsync(Id, status, null, Now);
        logger.LogInformation("Campaign {CampaignId} is {Status}", Id, status);
        if (status == CampaignStatus.Cancelled) await queue.CancelQueuedAsync(Id, "campaign cancelled", Now);
        if (status is CampaignStatus.Paused or CampaignStatus.Cancelled && await queue.NotStartedCallsAsync(Id) is { Count: > 0 } waiting)
        {
            await GrainFactory.GetGrain<IDialerGrain>(0).Stop(waiting);
        }

        await PumpAsync();
        return LifecycleResult.Ok;
    }

    private async Task<Campaign?> CurrentAsync() => _campaign = await campaigns.GetAsync(Id);

    private Task PumpAsync() => PumpAsync(reassert: false);

    private async Task PumpAsync(bool reassert)
    {
        _slots.StartPump(reassert);
        var campaign = await CurrentAsync();
        var now = Now;
        if (campaign is not null && campaign.Status == CampaignStatus.Scheduled && campaign.Window.LocalDate(now) >= campaign.Window.StartDate)
        {
            await campaigns.SetStatusAsync(Id, CampaignStatus.Active, null, now);
            campaign = await CurrentAsync();
        }

        if (campaign is null || !CampaignStatus.IsRunning(campaign.Status))
        {
            await _slots.SettleAsync(campaign?.UserId, 0);
            await _wake.ArrangeAsync(campaign, null);
            return;
        }

        var window = campaign.Window;
        if (campaign.LastWindow.HasEndedAt(now))
        {
            await queue.CancelQueuedAsync(Id, "campaign ended", now);
            await _slots.SettleAsync(campaign.UserId, 0);
            await _wake.ArrangeAsync(await CompleteIfDoneAsync(), null);
            return;
        }

        if (!campaign.OnContactsClock && !window.IsOpenAt(now))
        {
            await _slots.SettleAsync(campaign.UserId, 0);
            var opens = window.EarliestStartAtOrAfter(now);
            // Every item ended while the window was closed (a do-not-call entry, a deleted contact): done now, not at the opening.
            var standing = campaign is { QueuedCount: 0, InProgressCount: 0 } ? await CompleteIfDoneAsync() : campaign;
            await _wake.ArrangeAsync(standing, opens, windowOpens: opens);
            return;
        }

        if (_holdUntil > now)
        {
            await _slots.SettleAsync(campaign.UserId, 0);
            await _wake.ArrangeAsync(campaign, _holdUntil);
            return;
        }

        // With nothing queued there is nothing to dial or wait for: the counters just read say all that matters.
        var dispatch = campaign.QueuedCount > 0 ? await dispatcher.DialDueAsync(campaign, now, _slots, _feed) : default;
        if (campaign.QueuedCount == 0) await _slots.SettleAsync(campaign.UserId, 0);
        var current = dispatch.Moved || campaign is { QueuedCount: 0, InProgressCount: 0 } ? await CompleteIfDoneAsync() : campaign;
        var next = campaign.QueuedCount > 0 && await queue.NextNotBeforeAsync(Id, now) is { } ms
            ? campaign.OnContactsClock ? ms : window.EarliestStartAtOrAfter(ms)
            : null;
        if (campaign.QueuedCount > 0 && await holds.EarliestOpeningAsync(Id) is { } opening) next = Earliest(next, opening);
        if (dispatch.GateWake is { } held) next = Earliest(next, held);
        // Calls waiting only for a slot are next "now": the slot's release wakes the campaign, not a timer.
        await _wake.ArrangeAsync(current, next, nextCallAt: _slots.Waiting ? now : next);
    }

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    /// <summary>Completes an active campaign whose every item is final; returns the campaign as it now stands.</summary>
    private async Task<Campaign?> CompleteIfDoneAsync()
    {
        if (await CurrentAsync() is not { Status: CampaignStatus.Active, QueuedCount: 0, InProgressCount: 0 }) return _campaign;
        if (await campaigns.CompleteIfDoneAsync(Id, Now)) logger.LogInformation("Campaign {CampaignId} completed", Id);
        return await CurrentAsync();
    }
}
