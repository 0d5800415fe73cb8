namespace CallCampaigns.Domain.Tests;

public sealed class WaitingReasonTests
{
    private static readonly DateTimeOffset TenAm = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly CallWindow NineToSix = new(new TimeOnly(9, 0), new TimeOnly(18, 0), "Europe/London", new DateOnly(2026, 11, 25), null);

    private static WaitingContext At(DateTimeOffset now, string status = CampaignStatus.Active, int userInUse = 0, int systemInUse = 0) =>
        new(status, NineToSix, now, userInUse, 2, systemInUse, 10);

    [Fact]
    public void A_due_item_with_a_free_slot_is_next() =>
        Assert.Equal(WaitingReason.Next, At(TenAm).For(null, 0, 0).Code);

    [Fact]
    public void Due_items_beyond_the_free_slots_wait_for_the_users_limit()
    {
        var reason = At(TenAm, userInUse: 1).For(null, 0, dueIndex: 1);
        Assert.Equal(WaitingReason.UserLimit, reason.Code);
        Assert.Contains("1 of 2", reason.Text);
    }

    [Fact]
    public void With_every_system_slot_taken_an_item_waits_for_its_users_turn() =>
        Assert.Equal(WaitingReason.SystemLimit, At(TenAm, systemInUse: 10).For(null, 0, 0).Code);

    [Fact]
    public void After_the_window_closes_items_wait_for_tomorrows_opening()
    {
        var reason = At(new DateTimeOffset(2026, 11, 25, 18, 5, 0, TimeSpan.Zero)).For(null, 0, 0);
        Assert.Equal(WaitingReason.WindowClosed, reason.Code);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), reason.Until);
        Assert.Contains("tomorrow at 09:00", reason.Text);
    }

    [Fact]
    public void A_retried_item_waits_out_its_delay() =>
        Assert.Equal(WaitingReason.RetryDelay, At(TenAm).For(TenAm.AddMinutes(30), attempts: 1, 0).Code);

    [Fact]
    public void A_spread_item_waits_for_its_planned_time() =>
        Assert.Equal((WaitingReason.Scheduled, TenAm.AddHours(2)), (At(TenAm).For(TenAm.AddHours(2), 0, 0) is var r ? (r.Code, r.Until) : default));

    [Fact]
    public void A_paused_campaigns_items_say_so() =>
        Assert.Equal(WaitingReason.Paused, At(TenAm, CampaignStatus.Paused).For(null, 0, 0).Code);

    [Fact]
    public void A_campaign_starting_on_a_later_day_is_scheduled_until_its_first_opening()
    {
        var reason = (At(TenAm, CampaignStatus.Scheduled) with { Window = NineToSix with { StartDate = new DateOnly(2026, 11, 27) } }).For(null, 0, 0);
        Assert.Equal(WaitingReason.Scheduled, reason.Code);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero), reason.Until);
    }
}
