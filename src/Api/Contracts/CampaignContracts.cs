using CallCampaigns.Api.Forecasts;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Queue;

namespace CallCampaigns.Api.Contracts;

public sealed record RetryRequest(int? MaxAttempts, int? DelayMinutes, IReadOnlyList<string>? On);

public sealed record CreateCampaignRequest(
    string? Name, string? Description, string? AgentId, string? FromPhoneNumber, string? NextAction,
    string? FirstCallTime, string? LastCallTime, string? TimeZone, string? StartDate, string? EndDate,
    string? Pacing, RetryRequest? Retry, IReadOnlyList<long>? ContactIds, string? WindowZone = null, string? OptOutField = null);

/// <summary>
/// An edit: absent fields stay as they are; <c>endDate: ""</c> removes the end date. <c>startDate</c> cannot be
/// changed once the campaign exists: it is accepted only when it repeats the current one.
/// </summary>
public sealed record UpdateCampaignRequest(
    string? Name, string? Description, string? AgentId, string? NextAction, string? FirstCallTime, string? LastCallTime,
    string? TimeZone, string? EndDate, string? Pacing, RetryRequest? Retry, string? StartDate = null, string? WindowZone = null,
    string? OptOutField = null);

public sealed record Retry(int MaxAttempts, int DelayMinutes, IReadOnlyList<string> On);

public sealed record Campaign(
    long Id, string Name, string? Description, string AgentId, string? FromPhoneNumber, string? NextAction,
    string FirstCallTime, string LastCallTime, string TimeZone, string StartDate, string? EndDate, string Pacing, Retry Retry,
    string Status, string? StatusReason, int TotalContacts, int QueuedCalls, int InProgressCalls, int CompletedCalls,
    int SuccessfulCalls, int FailedCalls, int CancelledCalls, DateTime? NextCallAt, DateTime? EstimatedCompletionAt,
    DateTime CreatedAt, DateTime UpdatedAt, string WindowZone, string OptOutField)
{
    public static Campaign From(Domain.Campaigns.Campaign row, DateTimeOffset? estimatedCompletionAt = null) => new(
        row.Id, row.Name, row.Description, row.AgentId, row.FromPhoneNumber, row.NextAction,
        Json.Time(row.Window.FirstCallTime), Json.Time(row.Window.LastCallTime), row.Window.TimeZone, Json.Date(row.Window.StartDate),
        Json.Date(row.Window.EndDate), row.Pacing,
        new Retry(row.Retry.MaxAttempts, row.Retry.DelayMinutes, row.Retry.On),
        row.Status, row.StatusReason, row.TotalContacts, row.QueuedCount, row.InProgressCount,
        row.SuccessfulCount + row.FailedCount, row.SuccessfulCount, row.FailedCount, row.CancelledCount,
        Json.Utc(row.NextCallAt), Json.Utc(estimatedCompletionAt), Json.Utc(row.CreatedAt), Json.Utc(row.UpdatedAt), row.WindowZone, row.OptOutField);
}

public sealed record CampaignCounts(int Scheduled, int Active, int Paused, int Completed, int Cancelled);

public sealed record CampaignPage(IReadOnlyList<Campaign> Items, int Total, int Page, int PageSize, CampaignCounts Counts);

public sealed record WaitingReason(string Code, string Text, DateTime? Until);

/// <summary>One item of a campaign's queue; <c>timeZone</c> (queued items) is the contact's zone, null when unknown.</summary>
public sealed record QueueItem(
    long Id, long CampaignId, long? ContactId, string PhoneNumber, string? ContactName, string Status, int Priority,
    int? Position, DateTime? ScheduledFor, DateTime? EstimatedCallAt, WaitingReason? WaitingReason, int Attempts,
    DateTime? StartedAt, DateTime? CompletedAt, string? CallId, string? Outcome, string? FailureReason,
    double? DurationSeconds, decimal? Cost, string? Summary, string? RecordingUrl, string? TimeZone)
{
    public static QueueItem From(QueueItemRow row, ItemForecast? forecast) => new(
        row.Id, row.CampaignId, row.ContactId, row.PhoneNumber, row.ContactName, row.Status, row.Priority,
        forecast?.Position, Json.Utc(row.ScheduledFor), Json.Utc(forecast?.EstimatedCallAt),
        Waiting(row, forecast) is { } reason ? new WaitingReason(reason.Code, reason.Text, Json.Utc(reason.Until)) : null, row.Attempts, Json.Utc(row.StartedAt), Json.Utc(row.EndedAt),
        row.ExecutionId, row.Outcome, row.FailureReason, row.DurationSeconds,
        row.CostCents is { } cents ? Math.Round((decimal)cents / 100m, 4) : null, row.Summary, row.RecordingUrl, forecast?.TimeZone);

    /// <summary>A queued item's reason from its forecast; a dialing one whose dial's answer was lost says so.</summary>
    private static Domain.Campaigns.WaitingReason? Waiting(QueueItemRow row, ItemForecast? forecast) =>
        forecast?.Reason ?? (row is { Status: Domain.Campaigns.ItemStatus.Dialing, DialUnknownAt: not null }
            ? Domain.Campaigns.WaitingReason.ForUnknownDial(CallCampaigns.Ledger.Infrastructure.UnixMs.ToTime(row.DialCheckAt))
            : null);
}
