namespace CallCampaigns.Domain.Tests;

public sealed class LifecycleMoveTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static Campaign In(string status, DateOnly? startDate = null) => new()
    {
        UserId = "u",
        Name = "c",
        AgentId = "a",
        Window = new CallWindow(new TimeOnly(9, 0), new TimeOnly(18, 0), "UTC", startDate ?? new DateOnly(2026, 11, 25), null),
        Pacing = Pacing.Asap,
        Status = status,
    };

    [Theory]
    [InlineData(CampaignStatus.Active, CampaignStatus.Paused)]
    [InlineData(CampaignStatus.Scheduled, CampaignStatus.Paused)]
    [InlineData(CampaignStatus.Paused, null)]
    [InlineData(CampaignStatus.Completed, null)]
    public void Only_a_running_campaign_can_be_paused(string from, string? to) =>
        Assert.Equal(to, LifecycleMove.Pause(In(from)).To);

    [Fact]
    public void A_resumed_campaign_is_scheduled_again_while_its_start_date_is_ahead()
    {
        Assert.Equal(CampaignStatus.Active, LifecycleMove.Resume(In(CampaignStatus.Paused), Now).To);
        Assert.Equal(CampaignStatus.Scheduled, LifecycleMove.Resume(In(CampaignStatus.Paused, new DateOnly(2026, 11, 26)), Now).To);
        Assert.Equal("only a paused campaign can be resumed", LifecycleMove.Resume(In(CampaignStatus.Active), Now).NotAllowed);
    }

    [Theory]
    [InlineData(CampaignStatus.Paused, CampaignStatus.Cancelled)]
    [InlineData(CampaignStatus.Completed, null)]
    [InlineData(CampaignStatus.Cancelled, null)]
    public void A_campaign_that_ended_cannot_be_cancelled(string from, string? to) =>
        Assert.Equal(to, LifecycleMove.Cancel(In(from)).To);
}
