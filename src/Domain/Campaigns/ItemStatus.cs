namespace CallCampaigns.Domain.Campaigns;

/// <summary>The words a queue item's status is written with, in the ledger and in the API.</summary>
public static class ItemStatus
{
    public const string Queued = "queued";
    /// <summary>A slot is leased and the dial request is (being) sent; no answer from the line yet.</summary>
    public const string Dialing = "dialing";
    public const string InProgress = "in-progress";
    /// <summary>The call connected.</summary>
    public const string Completed = "completed";
    /// <summary>The call ended without connecting, or the dial was rejected.</summary>
    public const string Failed = "failed";
    /// <summary>We cancelled it (campaign cancelled or ended, contact deleted).</summary>
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlyList<string> All = [Queued, Dialing, InProgress, Completed, Failed, Cancelled];

    /// <summary>Dialing and in-progress items hold a slot.</summary>
    public static bool IsInFlight(string status) => status is Dialing or InProgress;
}
