using CallCampaigns.Ledger.Campaigns;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>An edit of a campaign's settings, and whether it moves the queue's plan.</summary>
internal static class Settings
{
    public static CampaignRow Apply(CampaignRow campaign, CampaignSettings settings, long now) => new()
    {
        Id = campaign.Id,
        UserId = campaign.UserId,
        Name = settings.Name,
        Description = settings.Description,
        AgentId = settings.AgentId,
        FromPhoneNumber = campaign.FromPhoneNumber,
        NextAction = settings.NextAction,
        FirstCallTime = settings.FirstCallTime,
        LastCallTime = settings.LastCallTime,
        TimeZone = settings.TimeZone,
        WindowZone = settings.WindowZone,
        OptOutField = settings.OptOutField,
        StartDate = campaign.StartDate,
        EndDate = settings.EndDate,
        Pacing = settings.Pacing,
        RetryMaxAttempts = settings.RetryMaxAttempts,
        RetryDelayMinutes = settings.RetryDelayMinutes,
        RetryOn = settings.RetryOn,
        Status = campaign.Status,
        UpdatedAt = now,
    };

    /// <summary>True when the not-before times planned under the old settings no longer fit the new ones.</summary>
    public static bool ReschedulesQueue(CampaignRow before, CampaignRow after) =>
        before.FirstCallTime != after.FirstCallTime || before.LastCallTime != after.LastCallTime ||
        before.TimeZone != after.TimeZone || before.EndDate != after.EndDate || before.Pacing != after.Pacing;
}
