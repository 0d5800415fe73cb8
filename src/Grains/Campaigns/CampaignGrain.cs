using CallCampaigns.Domain;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Domain.Suppressions;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using CallCampaigns.Ledger.Rules;
using CallCampaigns.Ledger.Slots;
using Orleans.Utilities;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>
/// One campaign. Every change (a new item, a granted slot, a call's news, a lifecycle move, a timer or reminder)
/// ends in <see cref="PumpAsync"/>, which reads the campaign afresh, dials what is due with the slots it holds,
/// tells its user how many more it could use, and arranges to be woken for what comes next.
/// The queue lives in the ledger; the grain holds only the slots granted to it but not yet used.
/// </summary>
public sealed class CampaignGrain(
    CampaignStore campaigns,
    QueueStore queue,
    HoldStore holds,
    SlotLeaseStore leases,
    CallingRuleBook rules,
    DialAnswers dials,
    EngineClock time,
    IOptions<EngineOptions> options,
    ILogger<CampaignGrain> logger) : Grain, ICampaignGrain, IRemindable
{
    private const string WakeReminder = "wake";
    private readonly ObserverManager<ICampaignObserver> _observers = new(TimeSpan.FromMinutes(1), logger);
    private CampaignEvent? _lastPublished;
    private readonly Queue<long> _slots = new();
    private int _released;
    private int _reportedDemand;
    private bool _reassert;
    private DateTimeOffset _holdUntil;
    private CampaignRow? _campaign;
    private IGrainTimer? _timer;
    private bool? _reminderSet;
    private DateTimeOffset? _reminderDue;
    private DateTimeOffset? _reminderStepEnds;
    private DateTimeOffset? _gateWake; // when the last pass asks for another: an item it held may be dialled, or it was cut short

    private long Id => this.GetPrimaryKeyLong();

    private DateTimeOffset Now => time.GetUtcNow();

    Task ICampaignGrain.Wake() => PumpAsync(reassert: true);

    async Task ICampaignGrain.SlotsGranted(IReadOnlyList<long> leaseIds)
    {
        foreach (var leaseId in leaseIds) _slots.Enqueue(leaseId);
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
        _released += news.Released;
        foreach (var move in news.Moves)
        {
            Publish(new CampaignEvent(CampaignEvent.ItemKind, Id, Now, move.ItemId, move.Status, move.Outcome, move.Attempt));
        }
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
        if (await queue.RecordDialRejectedAsync(Id, itemId, attempt, outcome, reason, UnixMs.From(Now))) _released++;
        await PumpAsync();
    }

    private async Task AfterDialAsync(DialEffect effect)
    {
        if (effect.News is { } news) Take(news);
        _released += effect.Released;
        if (effect.HoldUntil > _holdUntil) _holdUntil = effect.HoldUntil.Value;
        await PumpAsync();
    }

    Task ICampaignGrain.Subscribe(ICampaignObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    Task ICampaignGrain.ReportImport(ImportProgress progress)
    {
        Publish(new CampaignEvent(CampaignEvent.ImportKind, Id, Now, Import: progress));
        return Task.CompletedTask;
    }

    Task ICampaignGrain.Unsubscribe(ICampaignObserver observer)
    {
        _observers.Unsubscribe(observer);
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
        var (begin, interval) = SpreadPlanner.Layout(edited.Window(), await campaigns.CountUntriedAsync(Id), now);
        return new QueueReplan(UnixMs.From(begin), (long)interval.TotalMilliseconds);
    }

    /// <summary>
    /// The safety net: besides looking at the campaign afresh, it tells the user its demand again, because the
    /// user's and the system's memory of who waits is rebuilt from such reports after a silo dies.
    /// </summary>
    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => PumpAsync(reassert: true);

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

    /// <summary>Tells the live event streams; a campaign change only when its status or counters moved.</summary>
    private void Publish(CampaignEvent change)
    {
        if (_observers.Count == 0) return;
        if (change.Kind == CampaignEvent.CampaignKind)
        {
            if (_lastPublished is not null && change == _lastPublished with { At = change.At }) return;
            _lastPublished = change;
        }

        _observers.Notify(observer => observer.OnCampaignEvent(change));
    }

    private void PublishCampaign(CampaignRow? campaign, long? nextCallAt)
    {
        if (campaign is null) return;
        Publish(new CampaignEvent(CampaignEvent.CampaignKind, Id, Now, Status: campaign.Status, Counters: new CampaignCounters(
            campaign.TotalContacts, campaign.QueuedCount, campaign.InProgressCount, campaign.SuccessfulCount, campaign.FailedCount,
            campaign.CancelledCount, UnixMs.ToTime(nextCallAt))));
    }

    private Task PumpAsync() => PumpAsync(reassert: false);

    private async Task PumpAsync(bool reassert)
    {
        _reassert = reassert;
        _gateWake = null;
        var campaign = await CurrentAsync();
        var now = Now;
        if (campaign is not null && campaign.Status == CampaignStatus.Scheduled && campaign.Window().LocalDate(now) >= campaign.Window().StartDate)
        {
            await campaigns.SetStatusAsync(Id, CampaignStatus.Active, null, UnixMs.From(now));
            campaign = await CurrentAsync();
        }

        if (campaign is null || !CampaignStatus.IsRunning(campaign.Status))
        {
            await SettleDemandAsync(0);
            await ArrangeWakeAsync(campaign, null);
            return;
        }

        var window = campaign.Window();
        if (campaign.LastWindow().HasEndedAt(now))
        {
            await queue.CancelQueuedAsync(Id, "campaign ended", UnixMs.From(now));
            await SettleDemandAsync(0);
            await ArrangeWakeAsync(await CompleteIfDoneAsync(), null);
            return;
        }

        if (!campaign.OnContactsClock && !window.IsOpenAt(now))
        {
            await SettleDemandAsync(0);
            var opens = window.EarliestStartAtOrAfter(now);
            // Every item ended while the window was closed (a do-not-call entry, a deleted contact): done now, not at the opening.
            var standing = campaign is { QueuedCount: 0, InProgressCount: 0 } ? await CompleteIfDoneAsync() : campaign;
            await ArrangeWakeAsync(standing, opens, windowOpens: opens);
            return;
        }

        if (_holdUntil > now)
        {
            await SettleDemandAsync(0);
            await ArrangeWakeAsync(campaign, _holdUntil);
            return;
        }

        // With nothing queued there is nothing to dial or wait for: the counters just read say all that matters.
        var moved = campaign.QueuedCount > 0 && await DialDueItemsAsync(campaign, now);
        if (campaign.QueuedCount == 0) await SettleDemandAsync(0);
        var current = moved || campaign is { QueuedCount: 0, InProgressCount: 0 } ? await CompleteIfDoneAsync() : campaign;
        var next = campaign.QueuedCount > 0 && await queue.NextNotBeforeAsync(Id, UnixMs.From(now)) is { } ms
            ? campaign.OnContactsClock ? UnixMs.ToTime(ms) : window.EarliestStartAtOrAfter(UnixMs.ToTime(ms))
            : null;
        if (campaign.QueuedCount > 0 && await holds.EarliestOpeningAsync(Id) is { } opening) next = Earliest(next, UnixMs.ToTime(opening));
        if (_gateWake is { } held) next = Earliest(next, held);
        // Calls waiting only for a slot are next "now": the slot's release wakes the campaign, not a timer.
        await ArrangeWakeAsync(current, next, nextCallAt: _reportedDemand > 0 ? now : next);
    }

    /// <summary>
    /// Uses held slots on due items in dispatch order, then asks for as many more as are due; true when an item moved
    /// (dialled, or ended by the gate or the claim): the campaign may be done.
    /// </summary>
    private async Task<bool> DialDueItemsAsync(CampaignRow campaign, DateTimeOffset now)
    {
        var moved = false;
        var nowMs = UnixMs.From(now);
        var expires = UnixMs.From(now + options.Value.StaleCallAfter);
        var callingRules = await rules.CurrentAsync();
        await GatePass.RefreshHoldsAsync(holds, campaign, callingRules, now);
        List<long> due = [];
        var next = 0;
        for (var round = 0; round < 8; round++)
        {
            // The dial gate decides who may be called now: ended items leave the queue, held ones wake the campaign later.
            // Items a pass let through but no slot took yet are still its answer after a grant (the same instant, and
            // the claim checks the item again), so the pass is read again only once they are used up: the usual
            // hand-off (no slot held, one granted) reads it once, not once before and once after the grant.
            if (next >= due.Count)
            {
                var pass = await GatePass.ReadAsync(queue, holds, campaign, callingRules, now, options.Value.MaxDemandPerCampaign + _slots.Count);
                foreach (var (itemId, attempts, end) in pass.Ends)
                {
                    if (!await queue.EndQueuedAsync(Id, itemId, end.Outcome, end.Reason, nowMs)) continue;
                    moved = true;
                    Publish(new CampaignEvent(CampaignEvent.ItemKind, Id, now, itemId, ItemStatus.Cancelled, end.Outcome, attempts));
                }

                // A pass cut short (a long run of items it held) goes on at once, in a turn of its own.
                _gateWake = pass.Cut ? now + TimeSpan.FromMilliseconds(100) : pass.HeldUntil;
                due = pass.Dial;
                next = 0;
            }

            while (_slots.Count > 0 && next < due.Count)
            {
                // Stamped with the moment of the claim, after the slot's earlier call ended, not the pass's start.
                var claim = await queue.ClaimAsync(Id, due[next], _slots.Peek(), UnixMs.From(Now), expires);
                if (claim.IsLeaseGone)
                {
                    _slots.Dequeue();
                    continue;
                }

                next++;
                if (claim.IsOnDoNotCallList)
                {
                    moved = true;
                    Publish(new CampaignEvent(CampaignEvent.ItemKind, Id, now, due[next - 1], ItemStatus.Cancelled, Suppression.Outcome, 0));
                }

                // A capped number's item is held by the claim (its opening wakes the campaign); the slot goes to the next.
                if (claim.Item is not { } item) continue;
                _slots.Dequeue();
                moved = true;
                Publish(new CampaignEvent(CampaignEvent.ItemKind, Id, now, item.Id, ItemStatus.Dialing, null, item.Attempts));
                await GrainFactory.GetGrain<IDialerGrain>(0).Dial(DialRequests.For(campaign, item));
            }

            var granted = await SettleDemandAsync(Math.Min(due.Count - next, options.Value.MaxDemandPerCampaign));
            if (granted == 0) return moved;
        }

        return moved;
    }

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    /// <summary>Gives back unused slots and tells the user what this campaign wants now; returns slots newly granted.</summary>
    private async Task<int> SettleDemandAsync(int wanted)
    {
        if (wanted == 0 && _slots.Count > 0)
        {
            _released += await leases.ReturnUnboundAsync(_slots.ToArray());
            _slots.Clear();
        }

        var reassert = _reassert && wanted > 0;
        if (_released == 0 && wanted == _reportedDemand && !reassert) return 0;
        _reassert = false;
        if (_campaign is null) return 0;
        var released = _released;
        _released = 0;
        _reportedDemand = wanted;
        var user = GrainFactory.GetGrain<IUserGrain>(IUserGrain.KeyOf(_campaign.UserId));
        // A wake (a node died, a reminder) has the user count its calls again: releases told to a dead node's
        // activation of this campaign never reached it.
        var granted = reassert ? await user.ReassertDemand(Id, released, wanted) : await user.UpdateDemand(Id, released, wanted);
        foreach (var leaseId in granted) _slots.Enqueue(leaseId);
        return granted.Count;
    }

    /// <summary>Completes an active campaign whose every item is final; returns the campaign as it now stands.</summary>
    private async Task<CampaignRow?> CompleteIfDoneAsync()
    {
        if (await CurrentAsync() is not { Status: CampaignStatus.Active, QueuedCount: 0, InProgressCount: 0 }) return _campaign;
        if (await campaigns.CompleteIfDoneAsync(Id, UnixMs.From(Now))) logger.LogInformation("Campaign {CampaignId} completed", Id);
        return await CurrentAsync();
    }

    /// <summary>
    /// A timer for the next thing due (a not-before time, a window opening), and a reminder, which survives the silo:
    /// while the window is closed it is due at the next opening (computed in the campaign's zone, so DST-exact, and
    /// re-armed only when that opening changes); while it is open it ticks every
    /// <see cref="EngineOptions.SafetyNetPeriod"/> as a safety net; once the campaign is final there is none.
    /// A tick that comes late or twice just looks at the campaign afresh.
    /// </summary>
    private async Task ArrangeWakeAsync(
        CampaignRow? campaign, DateTimeOffset? next, DateTimeOffset? nextCallAt = null, DateTimeOffset? windowOpens = null)
    {
        var running = campaign is not null && !CampaignStatus.IsFinal(campaign.Status);
        var nextCall = campaign is { Status: CampaignStatus.Active or CampaignStatus.Scheduled } ? UnixMs.From(nextCallAt ?? next) : null;
        if (campaign is not null && campaign.NextCallAt != nextCall && Math.Abs((campaign.NextCallAt ?? 0) - (nextCall ?? 0)) >= 1000)
        {
            await campaigns.SetNextCallAtAsync(Id, nextCall);
        }

        PublishCampaign(campaign, nextCall);

        var due = next is { } at ? at - Now : (TimeSpan?)null;
        if (due is { } wait && running)
        {
            _timer ??= this.RegisterGrainTimer(PumpAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
            _timer.Change(WakeStep.Clamp(wait), Timeout.InfiniteTimeSpan); // a far wake-up comes in steps: each tick re-arms
        }

        if (!running)
        {
            if (_reminderSet != false && await this.GetReminder(WakeReminder) is { } existing) await this.UnregisterReminder(existing);
            _reminderSet = false;
            return;
        }

        if (_reminderSet == true && _reminderDue == windowOpens && !(_reminderStepEnds <= Now)) return;
        var period = options.Value.SafetyNetPeriod;
        var dueIn = windowOpens is { } opens && opens - Now > period ? opens - Now : period;
        var step = WakeStep.Clamp(dueIn);
        await this.RegisterOrUpdateReminder(WakeReminder, step, period);
        _reminderSet = true;
        _reminderDue = windowOpens;
        _reminderStepEnds = step < dueIn ? Now + step : null; // a far opening: the reminder is armed again once this step is over
    }
}
