using CallCampaigns.Domain.Scheduling;

namespace CallCampaigns.Domain.Campaigns;

/// <summary>Why a queued item is not being dialled right now: a machine-readable code, a sentence, and until when.</summary>
public sealed record WaitingReason(string Code, string Text, DateTimeOffset? Until)
{
    public const string Next = "next";
    public const string WindowClosed = "window-closed";
    public const string Scheduled = "scheduled";
    public const string UserLimit = "user-limit";
    public const string SystemLimit = "system-limit";
    public const string Paused = "paused";
    public const string RetryDelay = "retry-delay";
    public const string DialUnknown = "dial-unknown";
    public const string ContactTime = "contact-time";
    public const string CallingRules = "calling-rules";
    public const string FrequencyCap = "frequency-cap";

    /// <summary>A dialing item whose dial Bolna did not answer: its call may be live, and is searched for.</summary>
    public static WaitingReason ForUnknownDial(DateTimeOffset? nextCheck) => new(
        DialUnknown,
        "Bolna did not answer the dial, so the call may be live: its slot stays held, and Bolna's calls are searched for it"
            + (nextCheck is { } at ? $" (next search at {at.UtcDateTime:HH:mm:ss} UTC)." : "."),
        nextCheck);
}

/// <summary>What a campaign's queued items wait on at one moment: its status, its window and the slots in use.</summary>
public sealed record WaitingContext(
    string CampaignStatus, CallWindow Window, DateTimeOffset Now, int UserInUse, int UserLimit, int SystemInUse, int SystemLimit)
{
    /// <summary>
    /// Why the item waits. <paramref name="dueIndex"/> counts the items before it (in dispatch order) that are due too:
    /// the first ones take the free slots, the rest wait for whichever limit binds first.
    /// </summary>
    public WaitingReason For(DateTimeOffset? notBefore, int attempts, int dueIndex)
    {
        if (CampaignStatus == Campaigns.CampaignStatus.Paused) return new(WaitingReason.Paused, "The campaign is paused: no calls until it is resumed.", null);
        if (!Window.IsOpenAt(Now))
        {
            var opens = Window.EarliestStartAtOrAfter(Now);
            if (opens is null) return new(WaitingReason.WindowClosed, "No calling window is left before the end date.", null);
            return CampaignStatus == Campaigns.CampaignStatus.Scheduled
                ? new(WaitingReason.Scheduled, $"The campaign starts {When(opens.Value)}.", opens)
                : new(WaitingReason.WindowClosed, $"Outside the calling window; it opens {When(opens.Value)}.", opens);
        }

        if (notBefore is { } due && due > Now)
        {
            var start = Window.EarliestStartAtOrAfter(due) ?? due;
            return attempts > 0
                ? new(WaitingReason.RetryDelay, $"Retry {attempts + 1} not before {When(start)}.", start)
                : new(WaitingReason.Scheduled, $"Spread over the window: not before {When(start)}.", start);
        }

        return ForSlot(dueIndex);
    }

    /// <summary>
    /// Why an item the dial gate lets through still waits: the first ones take the free slots (<c>next</c>), the rest
    /// wait for whichever limit binds first. <paramref name="dueIndex"/> counts the items before it let through too.
    /// </summary>
    public WaitingReason ForSlot(int dueIndex)
    {
        var userFree = Math.Max(0, UserLimit - UserInUse);
        var systemFree = Math.Max(0, SystemLimit - SystemInUse);
        if (dueIndex < Math.Min(userFree, systemFree)) return new(WaitingReason.Next, "About to be dialled.", null);
        return userFree <= systemFree
            ? new(WaitingReason.UserLimit, $"Waiting for a slot: {UserInUse} of {UserLimit} of your call slots are in use.", null)
            : new(WaitingReason.SystemLimit, $"Waiting for its turn: {SystemInUse} of {SystemLimit} system call slots are in use, shared round-robin between users.", null);
    }

    private string When(DateTimeOffset at) => LocalWhen.Describe(at, Now, Window.TimeZone);
}
