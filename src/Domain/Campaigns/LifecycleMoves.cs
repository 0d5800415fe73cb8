namespace CallCampaigns.Domain.Campaigns;

/// <summary>Where a lifecycle move takes a campaign: its new status, or why the move is not allowed from where it is.</summary>
public readonly record struct LifecycleMove(string? To, string? NotAllowed)
{
    private static LifecycleMove Refused(string why) => new(null, why);

    /// <summary>Stops new dials; calls in flight finish.</summary>
    public static LifecycleMove Pause(Campaign campaign) => campaign.Status is CampaignStatus.Active or CampaignStatus.Scheduled
        ? new(CampaignStatus.Paused, null)
        : Refused("only an active or scheduled campaign can be paused");

    /// <summary>A resumed campaign is active, or scheduled again when its start date is still ahead.</summary>
    public static LifecycleMove Resume(Campaign campaign, DateTimeOffset now) => campaign.Status == CampaignStatus.Paused
        ? new(campaign.Window.LocalDate(now) < campaign.Window.StartDate ? CampaignStatus.Scheduled : CampaignStatus.Active, null)
        : Refused("only a paused campaign can be resumed");

    /// <summary>Ends the campaign for good.</summary>
    public static LifecycleMove Cancel(Campaign campaign) => CampaignStatus.IsFinal(campaign.Status)
        ? Refused("the campaign has already ended")
        : new(CampaignStatus.Cancelled, null);
}
