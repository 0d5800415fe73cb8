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
    private CampaignRow? _campaign;

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
        _slots.Released(news.Released);
        foreach (var move in news.Moves) _feed.Item(Now, move.ItemId, move.Status, move.Outcome, move.Attempt);

        // Most reports (ringing, in-progress, the final data after the line ended) change nothing the queue cares about.
        if (news.WorthALook) await PumpAsync();
    }

    async Task ICampaignGrain.DialAnswered(DialRequest request, DialResult result)
    {
        if (await CurrentAsync() is not { } campaign) return;
        var effect = await dials.AnsweredAsync(campaign, request, result);
        if (result.Outcome == DialOutcome.Accepted) return; // the call is on its way; its webhooks say what comes next
        await AfterDialAsync(effect);
    }

    async Task ICampaignGrain.DialResolved(long itemId, int attempt, DialResolution resolution) =>
        await AfterDialAsync(await dials.ResolvedAsync(Id, itemId, attempt, resolution));

    async Task ICampaignGrain.GiveUpCall(long itemId, int attempt, string outcome, string reason)
    {
        logger.LogWarning("Campaign {CampaignId} item {ItemId} given up ({Outcome}): {Reason}", Id, itemId, outcome, reason);
        if (await queue.RecordDialRejectedAsync(Id, itemId, attempt, outcome, reason, UnixMs.From(Now))) _slots.Released(1);
        await PumpAsync();
    }

    private async Task AfterDialAsync(DialEffect effect)
    {
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

    async Task<LifecycleResult> ICampaignGrain.Pause()
    {
        var result = await MoveAsync(
            status => status is CampaignStatus.Active or CampaignStatus.Scheduled, CampaignStatus.Paused, "only an active or scheduled campaign can be paused");
        if (result.Done) await StopNotStartedCallsAsync();
        return result;
    }

    /// <summary>A resumed campaign is active, or scheduled again when its start date is still ahead.</summary>
    Task<LifecycleResult> ICampaignGrain.Resume() => MoveAsync(
        status => status == CampaignStatus.Paused,
        campaign => campaign.Window().LocalDate(Now) < campaign.Window().StartDate ? CampaignStatus.Scheduled : CampaignStatus.Active,
        "only a paused campaign can be resumed");

    async Task<LifecycleResult> ICampaignGrain.Cancel()
    {
        var result = await MoveAsync(status => !CampaignStatus.IsFinal(status), CampaignStatus.Cancelled, "the campaign has already ended");
        if (!result.Done) return result;
        await queue.CancelQueuedAsync(Id, "campaign cancelled", UnixMs.From(Now));
        await StopNotStartedCallsAsync();
        return result;
    }

    /// <summary>Calls Bolna accepted but has not started (waiting in its queue) are stopped, so none starts after a pause or cancel.</summary>
    private async Task StopNotStartedCallsAsync()
    {
        var waiting = await queue.NotStartedCallsAsync(Id);
        if (waiting.Count > 0) await GrainFactory.GetGrain<IDialerGrain>(0).Stop(waiting);
    }

    async Task<LifecycleResult> ICampaignGrain.Edit(CampaignSettings settings)
    {
        if (await CurrentAsync() is not { } campaign || CampaignStatus.IsFinal(campaign.Status))
        {
            return LifecycleResult.NotAllowed("the campaign has already ended");
        }

        var now = Now;
        var edited = Settings.Apply(campaign, settings, UnixMs.From(now));
        var replan = Settings.ReschedulesQueue(campaign, edited) ? await ReplanAsync(edited, now) : null;
        await campaigns.EditAsync(edited, replan, UnixMs.From(now));
        logger.LogInformation("Campaign {CampaignId} edited; queue re-planned: {Replanned}", Id, replan is not null);
        await PumpAsync();
        return LifecycleResult.Ok;
    }

    private async Task<QueueReplan> ReplanAsync(CampaignRow edited, DateTimeOffset now)
    {
        if (edited.Pacing != Pacing.Spread) return new QueueReplan(null, 0);
        var layout = QueuePlan.Spread(edited.Pacing, edited.Window(), await campaigns.CountUntriedAsync(Id), now)!.Value;
        return new QueueReplan(UnixMs.From(layout.Begin), (long)layout.Interval.TotalMilliseconds);
    }

    private Task<LifecycleResult> MoveAsync(Func<string, bool> allowed, string to, string notAllowed) =>
        MoveAsync(allowed, _ => to, notAllowed);

    private async Task<LifecycleResult> MoveAsync(Func<string, bool> allowed, Func<CampaignRow, string> to, string notAllowed)
    {
        if (await CurrentAsync() is not { } campaign || !allowed(campaign.Status)) return LifecycleResult.NotAllowed(notAllowed);
        var status = to(campaign);
        await campaigns.SetStatusAsync(Id, status, null, UnixMs.From(Now));
        logger.LogInformation("Campaign {CampaignId} is {Status}", Id, status);
        await PumpAsync();
        return LifecycleResult.Ok;
    }

    private async Task<CampaignRow?> CurrentAsync() => _campaign = await campaigns.GetAsync(Id);

    private Task PumpAsync() => PumpAsync(reassert: false);

    private async Task PumpAsync(bool reassert)
    {
        _slots.StartPump(reassert);
        var campaign = await CurrentAsync();
        var now = Now;
        if (campaign is not null && campaign.Status == CampaignStatus.Scheduled && campaign.Window().LocalDate(now) >= campaign.Window().StartDate)
        {
            await campaigns.SetStatusAsync(Id, CampaignStatus.Active, null, UnixMs.From(now));
            campaign = await CurrentAsync();
        }

        if (campaign is null || !CampaignStatus.IsRunning(campaign.Status))
        {
            await _slots.SettleAsync(campaign?.UserId, 0);
            await _wake.ArrangeAsync(campaign, null);
            return;
        }

        var window = campaign.Window();
        if (campaign.LastWindow().HasEndedAt(now))
        {
            await queue.CancelQueuedAsync(Id, "campaign ended", UnixMs.From(now));
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
        var next = campaign.QueuedCount > 0 && await queue.NextNotBeforeAsync(Id, UnixMs.From(now)) is { } ms
            ? campaign.OnContactsClock ? UnixMs.ToTime(ms) : window.EarliestStartAtOrAfter(UnixMs.ToTime(ms))
            : null;
        if (campaign.QueuedCount > 0 && await holds.EarliestOpeningAsync(Id) is { } opening) next = Earliest(next, UnixMs.ToTime(opening));
        if (dispatch.GateWake is { } held) next = Earliest(next, held);
        // Calls waiting only for a slot are next "now": the slot's release wakes the campaign, not a timer.
        await _wake.ArrangeAsync(current, next, nextCallAt: _slots.Waiting ? now : next);
    }

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    /// <summary>Completes an active campaign whose every item is final; returns the campaign as it now stands.</summary>
    private async Task<CampaignRow?> CompleteIfDoneAsync()
    {
        if (await CurrentAsync() is not { Status: CampaignStatus.Active, QueuedCount: 0, InProgressCount: 0 }) return _campaign;
        if (await campaigns.CompleteIfDoneAsync(Id, UnixMs.From(Now))) logger.LogInformation("Campaign {CampaignId} completed", Id);
        return await CurrentAsync();
    }
}
