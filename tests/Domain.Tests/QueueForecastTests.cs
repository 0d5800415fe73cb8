namespace CallCampaigns.Domain.Tests;

public sealed class QueueForecastTests
{
    private static readonly DateTimeOffset TenAm = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly CallWindow NineToSix = new(new TimeOnly(9, 0), new TimeOnly(18, 0), "UTC", new DateOnly(2026, 11, 25), null);

    [Fact]
    public void Items_start_as_slots_free_up_one_call_length_apart()
    {
        var forecast = new QueueForecast(NineToSix, TenAm, slots: 2, TimeSpan.FromMinutes(2), []);
        var starts = Enumerable.Range(0, 5).Select(_ => forecast.Next(null)).ToArray();
        Assert.Equal([TenAm, TenAm, TenAm.AddMinutes(2), TenAm.AddMinutes(2), TenAm.AddMinutes(4)], starts);
    }

    [Fact]
    public void Calls_in_flight_hold_their_slots_until_they_should_end()
    {
        var forecast = new QueueForecast(NineToSix, TenAm, slots: 2, TimeSpan.FromMinutes(2), [TenAm.AddMinutes(-1)]);
        Assert.Equal(TenAm, forecast.Next(null));
        Assert.Equal(TenAm.AddMinutes(1), forecast.Next(null));
    }

    [Fact]
    public void A_share_of_a_slot_is_a_slot_whose_calls_take_longer()
    {
        // Two slots shared by three campaigns: two thirds of a slot each, one call every three minutes.
        var forecast = new QueueForecast(NineToSix, TenAm, slots: 2 / 3.0, TimeSpan.FromMinutes(2), []);
        Assert.Equal(TenAm, forecast.Next(null));
        Assert.Equal(TenAm.AddMinutes(3), forecast.Next(null));
    }

    [Fact]
    public void An_item_is_not_called_before_its_not_before_time()
    {
        var forecast = new QueueForecast(NineToSix, TenAm, slots: 1, TimeSpan.FromMinutes(2), []);
        Assert.Equal(TenAm.AddHours(3), forecast.Next(TenAm.AddHours(3)));
    }

    [Fact]
    public void Work_that_does_not_fit_today_is_called_tomorrow_at_the_window_start()
    {
        var evening = new DateTimeOffset(2026, 11, 25, 17, 56, 0, TimeSpan.Zero);
        var forecast = new QueueForecast(NineToSix, evening, slots: 1, TimeSpan.FromMinutes(2), []);
        Assert.Equal(evening, forecast.Next(null));
        Assert.Equal(evening.AddMinutes(2), forecast.Next(null));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), forecast.Next(null));
    }

    [Fact]
    public void No_estimate_when_no_opening_is_left_before_the_end_date()
    {
        var lastDay = NineToSix with { EndDate = new DateOnly(2026, 11, 25) };
        var forecast = new QueueForecast(lastDay, new DateTimeOffset(2026, 11, 25, 17, 59, 0, TimeSpan.Zero), slots: 1, TimeSpan.FromMinutes(2), []);
        Assert.NotNull(forecast.Next(null));
        Assert.Null(forecast.Next(null));
    }
}

public sealed class SlotShareTests
{
    [Fact]
    public void The_system_limit_is_shared_evenly_between_users_with_work() =>
        Assert.Equal(10 / 3.0, SlotShare.ForUser(10, [5, 5, 5], 5), 6);

    [Fact]
    public void What_a_user_cannot_use_goes_to_the_others() =>
        Assert.Equal(4, SlotShare.ForUser(10, [2, 5, 5], 5));

    [Fact]
    public void A_user_never_gets_more_than_their_own_limit() =>
        Assert.Equal(2, SlotShare.ForUser(10, [2, 2], 2));

    [Fact]
    public void A_users_share_is_split_between_their_campaigns_with_work() =>
        Assert.Equal(1, SlotShare.ForCampaign(10, [2, 2, 2], 2, userCampaigns: 2));
}

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
