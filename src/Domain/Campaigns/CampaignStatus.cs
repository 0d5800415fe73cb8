namespace CallCampaigns.Domain.Campaigns;

/// <summary>The words a campaign's status is written with, in the ledger and in the API.</summary>
public static class CampaignStatus
{
    public const string Scheduled = "scheduled";
    public const string Active = "active";
    public const string Paused = "paused";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlyList<string> All = [Scheduled, Active, Paused, Completed, Cancelled];

    /// <summary>Completed and cancelled campaigns never change again.</summary>
    public static bool IsFinal(string status) => status is Completed or Cancelled;

    /// <summary>Scheduled and active campaigns may dial (when their window and start date allow).</summary>
    public static bool IsRunning(string status) => status is Scheduled or Active;
}
