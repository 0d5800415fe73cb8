using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>
/// When a campaign looks at itself again, and what it says its next call is. A timer for the next thing due (a
/// not-before time, a window opening, a hold's end), and a reminder, which survives the silo: while the window is
/// closed it is due at the next opening (computed in the campaign's zone, so DST-exact, and re-armed only when that
/// opening changes); while it is open it ticks every <see cref="EngineOptions.SafetyNetPeriod"/> as a safety net;
/// once the campaign is final there is none. A tick that comes late or twice just looks at the campaign afresh.
/// </summary>
internal sealed class WakeSchedule(long campaignId, IGrainBase grain, Func<Task> wake, CampaignStore campaigns, CampaignFeed feed, TimeProvider time, TimeSpan safetyNet)
{
    private const string Reminder = "wake";
    private IGrainTimer? _timer;
    private bool? _reminderSet;
    private DateTimeOffset? _reminderDue;
    private DateTimeOffset? _reminderStepEnds;

    private DateTimeOffset Now => time.GetUtcNow();

    /// <param name="campaign">The campaign as it now stands; null when it is gone.</param>
    /// <param name="next">When to look again; null for no timer (a change or a released slot wakes it).</param>
    /// <param name="nextCallAt">What the campaign shows as its next call, when not <paramref name="next"/>.</param>
    /// <param name="windowOpens">The window's next opening while it is closed: the reminder is due then.</param>
    public async Task ArrangeAsync(Campaign? campaign, DateTimeOffset? next, DateTimeOffset? nextCallAt = null, DateTimeOffset? windowOpens = null)
    {
        var running = campaign is not null && !CampaignStatus.IsFinal(campaign.Status);
        var nextCall = campaign is { Status: CampaignStatus.Active or CampaignStatus.Scheduled } ? nextCallAt ?? next : null;
        if (campaign is not null && Moved(campaign.NextCallAt, nextCall)) await campaigns.SetNextCallAtAsync(campaignId, nextCall);
        if (campaign is not null) feed.Campaign(Now, campaign, nextCall);

        if (next is { } at && running)
        {
            _timer ??= grain.RegisterGrainTimer(wake, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
            _timer.Change(WakeStep.Clamp(at - Now), Timeout.InfiniteTimeSpan); // a far wake-up comes in steps: each tick re-arms
        }

        if (!running)
        {
            if (_reminderSet != false && await grain.GetReminder(Reminder) is { } existing) await grain.UnregisterReminder(existing);
            _reminderSet = false;
            return;
        }

        if (_reminderSet == true && _reminderDue == windowOpens && !(_reminderStepEnds <= Now)) return;
        var dueIn = windowOpens is { } opens && opens - Now > safetyNet ? opens - Now : safetyNet;
        var step = WakeStep.Clamp(dueIn);
        await grain.RegisterOrUpdateReminder(Reminder, step, safetyNet);
        _reminderSet = true;
        _reminderDue = windowOpens;
        _reminderStepEnds = step < dueIn ? Now + step : null; // a far opening: the reminder is armed again once this step is over
    }

    /// <summary>The next call shown moved by a second or more (or appeared, or went): worth a write.</summary>
    private static bool Moved(DateTimeOffset? shown, DateTimeOffset? now) =>
        shown is null != now is null || (shown is { } a && now is { } b && (a - b).Duration() >= TimeSpan.FromSeconds(1));
}
