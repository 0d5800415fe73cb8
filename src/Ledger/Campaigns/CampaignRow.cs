using System.Globalization;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Scheduling;

namespace CallCampaigns.Ledger.Campaigns;

public sealed class CampaignRow
{
    public CallWindow Window() => new(
        TimeOnly.ParseExact(FirstCallTime, "HH:mm", CultureInfo.InvariantCulture),
        TimeOnly.ParseExact(LastCallTime, "HH:mm", CultureInfo.InvariantCulture),
        TimeZone,
        DateOnly.ParseExact(StartDate, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        EndDate is null ? null : DateOnly.ParseExact(EndDate, "yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>What the dial gate knows of the campaign.</summary>
    public Domain.Policy.CampaignTerms Terms() => new(Status, Window(), WindowZone);

    /// <summary>True when the window is read on each contact's clock.</summary>
    public bool OnContactsClock => WindowZone == Domain.Policy.WindowZone.Contact;

    /// <summary>
    /// The window as far as the campaign as a whole is concerned: its own, or on each contact's clock the window
    /// read in the last zone on Earth (UTC-12), so the campaign ends only once its end date is over everywhere.
    /// </summary>
    public CallWindow LastWindow() => OnContactsClock ? Window() with { TimeZone = "Etc/GMT+12" } : Window();

    public RetryPolicy Retry() => new(
        RetryMaxAttempts, RetryDelayMinutes, RetryOn.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public long Id { get; init; }
    public required string UserId { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string AgentId { get; init; }
    public string? FromPhoneNumber { get; init; }
    public string? NextAction { get; init; }
    /// <summary>HH:mm.</summary>
    public required string FirstCallTime { get; init; }
    /// <summary>HH:mm.</summary>
    public required string LastCallTime { get; init; }
    public required string TimeZone { get; init; }
    /// <summary>Whose clock the window is read on: "campaign" or "contact" (see <c>WindowZone</c>).</summary>
    public string WindowZone { get; init; } = Domain.Policy.WindowZone.Campaign;
    /// <summary>What the gate's holds on this campaign's items were decided under (see <c>HoldStore</c>).</summary>
    public string? HoldsKey { get; init; }
    /// <summary>The key of Bolna's extracted_data that, when true, puts the number on the user's do-not-call list.</summary>
    public string OptOutField { get; init; } = Domain.Suppressions.OptOut.DefaultField;
    /// <summary>YYYY-MM-DD.</summary>
    public required string StartDate { get; init; }
    public string? EndDate { get; init; }
    public required string Pacing { get; init; }
    public int RetryMaxAttempts { get; init; } = 1;
    public int RetryDelayMinutes { get; init; }
    /// <summary>Comma-separated outcomes.</summary>
    public string RetryOn { get; init; } = "";
    public required string Status { get; init; }
    public string? StatusReason { get; init; }
    public int TotalContacts { get; init; }
    public int QueuedCount { get; init; }
    public int InProgressCount { get; init; }
    public int SuccessfulCount { get; init; }
    public int FailedCount { get; init; }
    public int CancelledCount { get; init; }
    public long LastPosition { get; init; }
    public long? NextCallAt { get; init; }
    /// <summary>Dial refusals since the last dial that went through.</summary>
    public int DialErrorsInRow { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long? EndedAt { get; init; }
}

/// <summary>A contact joining a campaign: its place in the queue is fixed now.</summary>
public sealed record NewQueueItem(long ContactId, string PhoneNumber, string? ContactName, int Priority, long? ScheduledFor);

/// <summary>How many of a user's campaigns are in each status.</summary>
public sealed record CampaignStatusCounts(int Scheduled, int Active, int Paused, int Completed, int Cancelled);

/// <summary>
/// New not-before times for a campaign's untried queued items, in dispatch order: item i gets
/// <c>BeginAt + i × IntervalMs</c>; a null <see cref="BeginAt"/> clears them (as fast as the limits allow).
/// </summary>
public sealed record QueueReplan(long? BeginAt, long IntervalMs);
