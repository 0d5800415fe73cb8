using System.Globalization;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Ledger.Infrastructure;

namespace CallCampaigns.Ledger.Campaigns;

/// <summary>
/// A row of <c>campaigns</c> as stored (times of day as <c>HH:mm</c>, dates as <c>yyyy-MM-dd</c>, instants as Unix
/// epoch milliseconds, retry outcomes comma-separated): read by Dapper and mapped to the Domain's
/// <see cref="Campaign"/> here, once. Explicit rather than Dapper type handlers, because Dapper does not call a
/// handler's <c>SetValue</c> for types it maps itself (DateTimeOffset), so writes would not go through it.
/// </summary>
internal sealed class CampaignRecord
{
    private const string TimeFormat = "HH:mm";
    private const string DateFormat = "yyyy-MM-dd";

    public long Id { get; init; }
    public string UserId { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public string AgentId { get; init; } = "";
    public string? FromPhoneNumber { get; init; }
    public string? NextAction { get; init; }
    public string FirstCallTime { get; init; } = "";
    public string LastCallTime { get; init; } = "";
    public string TimeZone { get; init; } = "";
    public string WindowZone { get; init; } = Domain.Policy.WindowZone.Campaign;
    public string? HoldsKey { get; init; }
    public string OptOutField { get; init; } = Domain.Suppressions.OptOut.DefaultField;
    public string StartDate { get; init; } = "";
    public string? EndDate { get; init; }
    public string Pacing { get; init; } = "";
    public int RetryMaxAttempts { get; init; } = 1;
    public int RetryDelayMinutes { get; init; }
    public string RetryOn { get; init; } = "";
    public string Status { get; init; } = "";
    public string? StatusReason { get; init; }
    public int TotalContacts { get; init; }
    public int QueuedCount { get; init; }
    public int InProgressCount { get; init; }
    public int SuccessfulCount { get; init; }
    public int FailedCount { get; init; }
    public int CancelledCount { get; init; }
    public long LastPosition { get; init; }
    public long? NextCallAt { get; init; }
    public int DialErrorsInRow { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long? EndedAt { get; init; }

    public Campaign ToCampaign() => new()
    {
        Id = Id,
        UserId = UserId,
        Name = Name,
        Description = Description,
        AgentId = AgentId,
        FromPhoneNumber = FromPhoneNumber,
        NextAction = NextAction,
        Window = new CallWindow(
            TimeOnly.ParseExact(FirstCallTime, TimeFormat, CultureInfo.InvariantCulture),
            TimeOnly.ParseExact(LastCallTime, TimeFormat, CultureInfo.InvariantCulture),
            TimeZone,
            DateOnly.ParseExact(StartDate, DateFormat, CultureInfo.InvariantCulture),
            EndDate is null ? null : DateOnly.ParseExact(EndDate, DateFormat, CultureInfo.InvariantCulture)),
        WindowZone = WindowZone,
        Pacing = Pacing,
        Retry = new RetryPolicy(RetryMaxAttempts, RetryDelayMinutes, RetryOn.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
        OptOutField = OptOutField,
        Status = Status,
        StatusReason = StatusReason,
        TotalContacts = TotalContacts,
        QueuedCount = QueuedCount,
        InProgressCount = InProgressCount,
        SuccessfulCount = SuccessfulCount,
        FailedCount = FailedCount,
        CancelledCount = CancelledCount,
        LastPosition = LastPosition,
        NextCallAt = UnixMs.ToTime(NextCallAt),
        DialErrorsInRow = DialErrorsInRow,
        HoldsKey = HoldsKey,
        CreatedAt = UnixMs.ToTime(CreatedAt),
        UpdatedAt = UnixMs.ToTime(UpdatedAt),
        EndedAt = UnixMs.ToTime(EndedAt),
    };

    /// <summary>The settings columns of <paramref name="campaign"/> as stored, for inserts and edits.</summary>
    public static CampaignRecord From(Campaign campaign) => new()
    {
        Id = campaign.Id,
        UserId = campaign.UserId,
        Name = campaign.Name,
        Description = campaign.Description,
        AgentId = campaign.AgentId,
        FromPhoneNumber = campaign.FromPhoneNumber,
        NextAction = campaign.NextAction,
        FirstCallTime = campaign.Window.FirstCallTime.ToString(TimeFormat, CultureInfo.InvariantCulture),
        LastCallTime = campaign.Window.LastCallTime.ToString(TimeFormat, CultureInfo.InvariantCulture),
        TimeZone = campaign.Window.TimeZone,
        StartDate = campaign.Window.StartDate.ToString(DateFormat, CultureInfo.InvariantCulture),
        EndDate = campaign.Window.EndDate?.ToString(DateFormat, CultureInfo.InvariantCulture),
        WindowZone = campaign.WindowZone,
        Pacing = campaign.Pacing,
        RetryMaxAttempts = campaign.Retry.MaxAttempts,
        RetryDelayMinutes = campaign.Retry.DelayMinutes,
        RetryOn = string.Join(',', campaign.Retry.On),
        OptOutField = campaign.OptOutField,
        Status = campaign.Status,
        StatusReason = campaign.StatusReason,
        CreatedAt = UnixMs.From(campaign.CreatedAt),
        UpdatedAt = UnixMs.From(campaign.UpdatedAt),
    };
}

/// <summary>A contact joining a campaign: its place in the queue is fixed now.</summary>
public sealed record NewQueueItem(long ContactId, string PhoneNumber, string? ContactName, int Priority, long? ScheduledFor);

/// <summary>How many of a user's campaigns are in each status.</summary>
public sealed record CampaignStatusCounts(int Scheduled, int Active, int Paused, int Completed, int Cancelled);

/// <summary>
/// New not-before times for a campaign's untried queued items, by their place in dispatch order (see
/// <see cref="QueuePlan"/>); a null <see cref="Spread"/> clears them (as fast as the limits allow).
/// </summary>
public sealed record QueueReplan(SpreadLayout? Spread);
