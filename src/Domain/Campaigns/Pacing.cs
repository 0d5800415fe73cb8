namespace CallCampaigns.Domain.Campaigns;

/// <summary>How a campaign spends its window.</summary>
public static class Pacing
{
    /// <summary>Calls are spread evenly over the window (interval = window length / contacts).</summary>
    public const string Spread = "spread";

    /// <summary>As fast as the concurrency limits allow.</summary>
    public const string Asap = "asap";

    public static bool IsKnown(string? value) => value is Spread or Asap;
}
