using CallCampaigns.Domain.Contacts;
using CallCampaigns.Domain.Policy;

namespace CallCampaigns.Domain.Tests;

/// <summary>The dispatch replayed ahead of time: whole slots in round robin, the gate per item, calls in flight.</summary>
public sealed class DispatchSimulationTests
{
    private static readonly DateTimeOffset TenAm = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly CallWindow NineToSix = new(new TimeOnly(9, 0), new TimeOnly(18, 0), "UTC", new DateOnly(2026, 11, 25), null);

    /// <summary>Items the gate always lets through, numbered from <paramref name="first"/>.</summary>
    private static SimulatedItem[] Open(long first, int count) =>
        Enumerable.Range(0, count).Select(i => new SimulatedItem(first + i, static t => t)).ToArray();

    private static SimulatedItem Gated(long id, CallWindow window, ContactClock contact) =>
        new(id, t => DialGate.Standard.DialableFrom(new DialSubject(new CampaignTerms(CampaignStatus.Active, window, WindowZone.Contact), contact, null, 0, []), t));

    private static SimulatedCampaign Campaign(long id, IReadOnlyList<SimulatedItem> items, params DateTimeOffset[] inFlight) =>
        new(id, items, Minute, inFlight);

    [Fact]
    public void Two_slots_among_three_users_go_in_rounds_of_whole_calls_not_at_two_thirds_speed()
    {
        var users = new[]
        {
            new SimulatedUser("a", 2, [Campaign(1, Open(10, 2))]),
            new SimulatedUser("b", 2, [Campaign(2, Open(20, 2))]),
            new SimulatedUser("c", 2, [Campaign(3, Open(30, 2))]),
        };

        var starts = DispatchSimulation.Run(2, users, TenAm, focus: 3).Starts;

        // a and b at once, then c and a when those end, then b and c.
        Assert.Equal(
            [TenAm, TenAm.AddMinutes(1), TenAm, TenAm.AddMinutes(2), TenAm.AddMinutes(1), TenAm.AddMinutes(2)],
            new long[] { 10, 11, 20, 21, 30, 31 }.Select(id => starts[id]));
    }

    [Fact]
    public void A_users_two_slots_among_its_three_campaigns_go_in_rounds_too()
    {
        var users = new[] { new SimulatedUser("a", 2, [Campaign(1, Open(10, 2)), Campaign(2, Open(20, 2)), Campaign(3, Open(30, 2))]) };

        var starts = DispatchSimulation.Run(10, users, TenAm, focus: 3).Starts;

        Assert.Equal([TenAm, TenAm.AddMinutes(1)], new long[] { 10, 11 }.Select(id => starts[id]));
        Assert.Equal([TenAm.AddMinutes(1), TenAm.AddMinutes(2)], new long[] { 30, 31 }.Select(id => starts[id]));
    }

    [Fact]
    public void A_contact_held_by_their_local_time_gets_the_slot_at_their_opening()
    {
        // 10:00 UTC is 19:00 in Tokyo: the Japanese contact, first in dispatch order, waits for 09:00 Tokyo (00:00 UTC).
        var window = NineToSix with { TimeZone = "Europe/London" };
        var tokyo = Gated(1, window, ContactTimes.ForNumber("+81312345678"));
        var london = Enumerable.Range(2, 3).Select(id => Gated(id, window, ContactTimes.ForNumber("+442079460958"))).ToArray();
        var users = new[] { new SimulatedUser("a", 1, [Campaign(1, [tokyo, .. london])]) };

        var starts = DispatchSimulation.Run(10, users, TenAm, focus: 1).Starts;

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), starts[1]);
        Assert.Equal([TenAm, TenAm.AddMinutes(1), TenAm.AddMinutes(2)], london.Select(item => starts[item.Id]));
    }

    [Fact]
    public void A_campaign_is_complete_only_after_its_held_contact_is_called()
    {
        var window = NineToSix with { TimeZone = "Europe/London" };
        var items = new[] { Gated(1, window, ContactTimes.ForNumber("+442079460958")), Gated(2, window, ContactTimes.ForNumber("+81312345678")) };
        var users = new[] { new SimulatedUser("a", 2, [Campaign(1, items)]) };

        var run = DispatchSimulation.Run(10, users, TenAm, focus: 1).Campaigns[1];

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 0, 1, 0, TimeSpan.Zero), CompletionEstimate.From(run, 0, Minute, window, null));
    }

    [Fact]
    public void An_item_whose_window_closes_before_a_slot_frees_waits_for_the_next_opening()
    {
        var evening = new DateTimeOffset(2026, 11, 25, 17, 59, 0, TimeSpan.Zero);
        var window = NineToSix with { TimeZone = "Europe/London" };
        var items = Enumerable.Range(1, 2).Select(id => Gated(id, window, ContactTimes.ForNumber("+442079460958"))).ToArray();
        var users = new[] { new SimulatedUser("a", 1, [Campaign(1, items)]) };

        var starts = DispatchSimulation.Run(10, users, evening, focus: 1).Starts;

        Assert.Equal(evening, starts[1]);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), starts[2]);
    }

    [Fact]
    public void Calls_in_flight_hold_their_slots_until_one_call_length_after_they_started()
    {
        var users = new[] { new SimulatedUser("a", 2, [Campaign(1, Open(1, 3), TenAm.AddSeconds(-30), TenAm.AddSeconds(-10))]) };

        var outcome = DispatchSimulation.Run(10, users, TenAm, focus: 1);

        Assert.Equal([TenAm.AddSeconds(30), TenAm.AddSeconds(50), TenAm.AddSeconds(90)], new long[] { 1, 2, 3 }.Select(id => outcome.Starts[id]));
        Assert.Equal(TenAm.AddSeconds(150), outcome.Campaigns[1].LastEnd);
    }

    [Fact]
    public void Under_a_lowered_limit_the_queue_waits_until_the_calls_in_flight_are_back_under_it()
    {
        // Three calls in flight, the limit lowered to one: the first queued call starts when the last of them ends.
        var inFlight = new[] { TenAm.AddSeconds(-50), TenAm.AddSeconds(-40), TenAm.AddSeconds(-10) };
        var users = new[] { new SimulatedUser("a", 1, [Campaign(1, Open(1, 2), inFlight)]) };

        var starts = DispatchSimulation.Run(10, users, TenAm, focus: 1).Starts;

        Assert.Equal([TenAm.AddSeconds(50), TenAm.AddSeconds(110)], new long[] { 1, 2 }.Select(id => starts[id]));
    }

    [Fact]
    public void Another_users_calls_in_flight_hold_system_slots_too()
    {
        var users = new[]
        {
            new SimulatedUser("a", 2, [Campaign(1, [], TenAm.AddSeconds(-20))]),
            new SimulatedUser("b", 2, [Campaign(2, Open(1, 2))]),
        };

        var starts = DispatchSimulation.Run(2, users, TenAm, focus: 2).Starts;

        Assert.Equal([TenAm, TenAm.AddSeconds(40)], new long[] { 1, 2 }.Select(id => starts[id]));
    }

    [Fact]
    public void A_competitors_unread_items_keep_taking_their_turns()
    {
        var users = new[]
        {
            new SimulatedUser("a", 1, [Campaign(1, Open(10, 3))]),
            new SimulatedUser("b", 1, [new SimulatedCampaign(2, [], Minute, [], Unseen: 100)]),
        };

        var starts = DispatchSimulation.Run(1, users, TenAm, focus: 1).Starts;

        Assert.Equal([TenAm, TenAm.AddMinutes(2), TenAm.AddMinutes(4)], new long[] { 10, 11, 12 }.Select(id => starts[id]));
    }

    [Fact]
    public void An_item_with_no_opening_left_is_never_started()
    {
        var lastDay = NineToSix with { EndDate = new DateOnly(2026, 11, 25) };
        var evening = new DateTimeOffset(2026, 11, 25, 17, 59, 0, TimeSpan.Zero);
        var items = Enumerable.Range(1, 2).Select(id => new SimulatedItem(id, lastDay.EarliestStartAtOrAfter)).ToArray();
        var users = new[] { new SimulatedUser("a", 1, [Campaign(1, items)]) };

        var outcome = DispatchSimulation.Run(10, users, evening, focus: 1);

        Assert.Equal(evening, outcome.Starts[1]);
        Assert.False(outcome.Starts.ContainsKey(2));
        Assert.Equal(evening.AddMinutes(1), CompletionEstimate.From(outcome.Campaigns[1], 0, Minute, lastDay, null));
    }
}

public sealed class CompletionEstimateTests
{
    private static readonly DateTimeOffset TenAm = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly CallWindow NineToSix = new(new TimeOnly(9, 0), new TimeOnly(18, 0), "UTC", new DateOnly(2026, 11, 25), null);

    [Fact]
    public void A_queue_longer_than_the_replayed_head_goes_on_at_the_replays_pace()
    {
        // Ten calls of a minute in five minutes: two slots busy; twenty more take ten minutes after the head's end.
        var run = new CampaignRun(10, TenAm, TenAm.AddMinutes(4), TenAm.AddMinutes(5), Exhausted: true);
        Assert.Equal(TenAm.AddMinutes(15), CompletionEstimate.From(run, 20, TimeSpan.FromMinutes(1), NineToSix, null));
    }

    [Fact]
    public void Work_left_at_the_end_of_the_window_continues_the_next_morning()
    {
        var evening = new DateTimeOffset(2026, 11, 25, 17, 0, 0, TimeSpan.Zero);
        var run = new CampaignRun(30, evening, evening.AddMinutes(29), evening.AddMinutes(30), Exhausted: true);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero), CompletionEstimate.From(run, 60, TimeSpan.FromMinutes(1), NineToSix, null));
    }

    [Fact]
    public void The_extrapolation_ends_no_earlier_than_the_latest_hold()
    {
        var run = new CampaignRun(1, TenAm, TenAm, TenAm.AddMinutes(1), Exhausted: true);
        Assert.Equal(TenAm.AddHours(5).AddMinutes(1), CompletionEstimate.From(run, 1, TimeSpan.FromMinutes(1), NineToSix, TenAm.AddHours(5)));
    }

    [Fact]
    public void Nothing_left_means_no_estimate() =>
        Assert.Null(CompletionEstimate.From(new CampaignRun(0, null, null, null, Exhausted: true), 0, TimeSpan.FromMinutes(1), NineToSix, null));
}
