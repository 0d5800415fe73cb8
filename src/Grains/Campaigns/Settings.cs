namespace CallCampaigns.Grains.Campaigns;

/// <summary>An edit of a campaign's settings, and whether it moves the queue's plan.</summary>
internal static class Settings
{
    public static Campaign Apply(Campaign campaign, CampaignSettings settings, DateTimeOffset now) => campaign with
    {
        Name = settings.Name,
        Description = settings.Description,
        AgentId = settings.AgentId,
        NextAction = settings.NextAction,
        Window = settings.Window with { StartDate = campaign.Window.StartDate },
        WindowZone = settings.WindowZone,
        OptOutField = settings.OptOutField,
        Pacing = settings.Pacing,
        Retry = settings.Retry,
        UpdatedAt = now,
    };

    /// <summary>True when the not-before times planned under the old settings no longer fit the new ones.</summary>
    public static bool ReschedulesQueue(Campaign before, Campaign after) => before.Window != after.Window || before.Pacing != after.Pacing;
}
