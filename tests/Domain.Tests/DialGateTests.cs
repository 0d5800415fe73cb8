using CallCampaigns.Domain.Contacts;
using CallCampaigns.Domain.Policy;
using CallCampaigns.Domain.Policy.Rules;

namespace CallCampaigns.Domain.Tests;

/// <summary>The dial gate as a whole: rules together, their binding reason and until, across zones and DST.</summary>
public sealed class DialGateTests
{
    private const string London = "Europe/London";
    private const string Tokyo = "Asia/Tokyo";
    private const string LosAngeles = "America/Los_Angeles";
    private const string NewYork = "America/New_York";

    private static readonly ContactClock Uk = ContactTimes.ForNumber("+442079460958");
    private static readonly ContactClock Japan = ContactTimes.ForNumber("+81312345678");
    private static readonly ContactClock California = ContactTimes.ForNumber("+14155550100");
    private static readonly ContactClock Florida = ContactTimes.ForNumber("+13055550100");
    private static readonly ContactClock SouthDakota = ContactTimes.ForNumber("+16055550100");
    private static readonly ContactClock India = ContactTimes.ForNumber("+919876543210");

    internal static CallWindow Window(int from, int to, string zone = London, DateOnly? end = null) =>
        new(new TimeOnly(from, 0), new TimeOnly(to, 0), zone, new DateOnly(2026, 1, 1), end);

    internal static DialSubject Subject(
        CallWindow window, ContactClock contact, string windowZone = WindowZone.Contact, string status = CampaignStatus.Active,
        DateTimeOffset? notBefore = null, int attempts = 0, IReadOnlyList<CallingRule>? rules = null) =>
        new(new CampaignTerms(status, window, windowZone), contact, notBefore, attempts, rules ?? CallingRule.Defaults);

    internal static DateTimeOffset Local(string zone, int month, int day, int hour, int minute = 0) =>
        TimeZones.ToInstant(new DateOnly(2026, month, day), new TimeOnly(hour, minute), TimeZones.Find(zone));

    private static GateAnswer Decide(DialSubject subject, DateTimeOffset now) => DialGate.Standard.Decide(subject, now);

    private static GateAnswer.Wait AssertWaits(GateAnswer answer, string code, DateTimeOffset? until)
    {
        var wait = Assert.IsType<GateAnswer.Wait>(answer);
        Assert.Equal(code, wait.Code);
        Assert.Equal(until, wait.Until);
        return wait;
    }

    private static void AssertWaits(GateAnswer answer, string code, DateTimeOffset? until, DateTimeOffset? dialableAt) =>
        Assert.Equal(dialableAt, AssertWaits(answer, code, until).DialableAt);

    [Fact]
    public void An_item_nothing_holds_is_dialled() =>
        Assert.Equal(GateAnswer.Dial, Decide(Subject(Window(9, 17), Uk), Local(London, 11, 25, 10)));

    [Fact]
    public void In_one_campaign_at_one_instant_the_uk_contact_is_dialled_and_the_japanese_one_waits_for_nine_in_tokyo()
    {
        var window = Window(9, 17, London);
        var now = Local(London, 11, 25, 10); // 19:00 in Tokyo
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, Uk), now));
        var wait = AssertWaits(Decide(Subject(window, Japan), now), WaitingReason.ContactTime, Local(Tokyo, 11, 26, 9));
        Assert.Contains("tomorrow at 09:00 (Asia/Tokyo)", wait.Text, StringComparison.Ordinal);
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, Japan), wait.Until!.Value));
    }

    [Fact]
    public void In_campaign_mode_every_contact_goes_by_the_campaigns_clock()
    {
        var window = Window(9, 17, London);
        var now = Local(London, 11, 25, 10);
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, Japan, WindowZone.Campaign), now));
        AssertWaits(Decide(Subject(window, Japan, WindowZone.Campaign), Local(London, 11, 25, 18)), WaitingReason.WindowClosed, Local(London, 11, 26, 9));
    }

    [Fact]
    public void A_contact_whose_zone_is_unknown_goes_by_the_campaigns_zone()
    {
        var window = Window(9, 17, Tokyo);
        var now = Local(Tokyo, 11, 25, 8);
        AssertWaits(Decide(Subject(window, ContactClock.Unknown), now), WaitingReason.WindowClosed, Local(Tokyo, 11, 25, 9));
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, ContactClock.Unknown), Local(Tokyo, 11, 25, 9)));
    }

    [Fact]
    public void A_number_in_two_zones_is_called_only_when_the_window_is_open_in_both()
    {
        var window = Window(9, 17);
        // 09:30 in Chicago's Central time is 08:30 in Denver: wait for nine in Denver (ten in Central).
        AssertWaits(Decide(Subject(window, SouthDakota), Local("America/Chicago", 11, 25, 9, 30)), WaitingReason.ContactTime, Local("America/Denver", 11, 25, 9));
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, SouthDakota), Local("America/Denver", 11, 25, 9)));
        // 16:30 in Denver is 17:30 in Central: closed there, so the next morning in Denver.
        AssertWaits(Decide(Subject(window, SouthDakota), Local("America/Denver", 11, 25, 16, 30)), WaitingReason.ContactTime, Local("America/Denver", 11, 26, 9));
    }

    [Fact]
    public void A_window_crossing_midnight_is_read_on_the_contacts_clock()
    {
        var window = Window(22, 2, London);
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, Japan), Local(Tokyo, 11, 25, 23, 30)));
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, Japan), Local(Tokyo, 11, 26, 1, 59)));
        AssertWaits(Decide(Subject(window, Japan), Local(Tokyo, 11, 26, 2)), WaitingReason.ContactTime, Local(Tokyo, 11, 26, 22));
    }

    [Fact]
    public void The_us_rule_holds_a_californian_at_ten_at_night_until_eight_in_the_morning()
    {
        var window = Window(0, 0, LosAngeles); // around the clock
        AssertWaits(Decide(Subject(window, California), Local(LosAngeles, 11, 25, 22)), WaitingReason.CallingRules, Local(LosAngeles, 11, 26, 8));
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, California), Local(LosAngeles, 11, 26, 8)));
    }

    [Fact]
    public void Florida_stops_at_eight_in_the_evening_where_the_rest_of_the_us_goes_on_to_nine()
    {
        var window = Window(0, 0, NewYork);
        var at = Local(NewYork, 11, 25, 20, 30);
        var wait = AssertWaits(Decide(Subject(window, Florida), at), WaitingReason.CallingRules, Local(NewYork, 11, 26, 8));
        Assert.Contains("US-FL 08:00-20:00", wait.Text, StringComparison.Ordinal);
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, ContactTimes.ForNumber("+12125550100")), at));
    }

    [Fact]
    public void India_is_called_from_nine_in_the_morning_to_nine_at_night_on_india_time()
    {
        var window = Window(8, 22, "Asia/Kolkata");
        var zone = India.TimeZones[0];
        AssertWaits(Decide(Subject(window, India), Local(zone, 11, 25, 8, 30)), WaitingReason.CallingRules, Local(zone, 11, 25, 9));
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, India), Local(zone, 11, 25, 20, 59)));
        AssertWaits(Decide(Subject(window, India), Local(zone, 11, 25, 21)), WaitingReason.CallingRules, Local(zone, 11, 26, 9));
    }

    [Fact]
    public void Rules_hold_a_contact_even_when_the_campaign_window_is_read_on_the_campaigns_clock()
    {
        var window = Window(9, 17, London); // 09:00-17:00 London is 01:00-09:00 in California
        var wait = AssertWaits(Decide(Subject(window, California, WindowZone.Campaign), Local(London, 11, 25, 10)), WaitingReason.CallingRules, Local(LosAngeles, 11, 25, 8));
        Assert.Contains("(America/Los_Angeles)", wait.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void When_the_window_and_a_rule_overlap_only_for_an_hour_the_wait_is_for_that_hour()
    {
        var window = Window(20, 2, LosAngeles); // 20:00-02:00, but the US rule stops at 21:00
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, California), Local(LosAngeles, 11, 25, 20, 30)));
        AssertWaits(Decide(Subject(window, California), Local(LosAngeles, 11, 25, 21, 30)), WaitingReason.CallingRules, Local(LosAngeles, 11, 26, 20));
        AssertWaits(Decide(Subject(window, California), Local(LosAngeles, 11, 26, 9)), WaitingReason.ContactTime, Local(LosAngeles, 11, 26, 20));
    }

    [Fact]
    public void A_window_the_rules_never_allow_leaves_the_item_waiting_with_no_time_named()
    {
        var subject = Subject(Window(22, 23, LosAngeles), California);
        AssertWaits(Decide(subject, Local(LosAngeles, 11, 25, 12)), WaitingReason.ContactTime, Local(LosAngeles, 11, 25, 22), dialableAt: null);
        var wait = AssertWaits(Decide(subject, Local(LosAngeles, 11, 25, 22)), WaitingReason.CallingRules, null);
        Assert.Contains("No moment", wait.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_paused_campaign_holds_with_no_time_even_outside_the_window() =>
        AssertWaits(Decide(Subject(Window(9, 17), Uk, status: CampaignStatus.Paused), Local(London, 11, 25, 20)), WaitingReason.Paused, null);

    [Fact]
    public void A_campaign_not_started_yet_says_when_it_starts()
    {
        var window = new CallWindow(new TimeOnly(9, 0), new TimeOnly(17, 0), London, new DateOnly(2026, 12, 1), null);
        AssertWaits(Decide(Subject(window, Uk, status: CampaignStatus.Scheduled), Local(London, 11, 25, 10)), WaitingReason.Scheduled, Local(London, 12, 1, 9));
    }

    [Fact]
    public void Outside_the_window_the_window_names_the_wait_until_it_opens_and_a_later_not_before_time_takes_over()
    {
        var window = Window(9, 17);
        var spread = Subject(window, Uk, notBefore: Local(London, 11, 25, 10));
        AssertWaits(Decide(spread, Local(London, 11, 25, 7)), WaitingReason.ContactTime, Local(London, 11, 25, 9), dialableAt: Local(London, 11, 25, 10));
        AssertWaits(Decide(spread, Local(London, 11, 25, 9)), WaitingReason.Scheduled, Local(London, 11, 25, 10), dialableAt: Local(London, 11, 25, 10));
        AssertWaits(Decide(Subject(window, Uk, notBefore: Local(London, 11, 25, 10), attempts: 1), Local(London, 11, 25, 9)), WaitingReason.RetryDelay, Local(London, 11, 25, 10));
        AssertWaits(Decide(Subject(window, Uk, notBefore: Local(London, 11, 25, 8)), Local(London, 11, 25, 7)), WaitingReason.ContactTime, Local(London, 11, 25, 9), dialableAt: Local(London, 11, 25, 9));
    }

    [Fact]
    public void A_retry_due_at_night_waits_for_the_contacts_next_morning()
    {
        var window = Window(9, 17);
        var wait = AssertWaits(Decide(Subject(window, Uk, notBefore: Local(London, 11, 25, 18), attempts: 1), Local(London, 11, 25, 16)), WaitingReason.RetryDelay, Local(London, 11, 26, 9));
        Assert.Contains("Retry 2 not before tomorrow at 09:00", wait.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Past_the_end_date_the_item_ends() =>
        Assert.Equal(
            new GateAnswer.End(null, "campaign ended"),
            Decide(Subject(Window(9, 17, end: new DateOnly(2026, 11, 25)), Japan), Local(Tokyo, 11, 25, 18)));

    [Fact]
    public void When_the_last_opening_is_lost_to_a_rule_the_item_waits_with_no_time_named()
    {
        var window = Window(6, 8, LosAngeles, end: new DateOnly(2026, 11, 25)); // the US rule allows none of it
        AssertWaits(Decide(Subject(window, California), Local(LosAngeles, 11, 25, 6, 30)), WaitingReason.CallingRules, null);
    }

    [Fact]
    public void On_the_us_spring_forward_day_eight_in_the_morning_is_an_hour_sooner_in_utc()
    {
        var window = Window(0, 0, LosAngeles);
        var wait = AssertWaits(Decide(Subject(window, California), Local(LosAngeles, 3, 8, 1)), WaitingReason.CallingRules, Local(LosAngeles, 3, 8, 8));
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 15, 0, 0, TimeSpan.Zero), wait.Until); // PDT, not PST
    }

    [Fact]
    public void On_the_us_fall_back_day_the_window_opens_at_nine_on_the_new_clock()
    {
        var wait = AssertWaits(Decide(Subject(Window(9, 17, London), ContactTimes.ForNumber("+12125550100")), Local(NewYork, 10, 31, 18)), WaitingReason.ContactTime, Local(NewYork, 11, 1, 9));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 14, 0, 0, TimeSpan.Zero), wait.Until); // EST
    }

    [Fact]
    public void On_the_european_spring_forward_day_a_london_contact_is_called_at_nine_summer_time()
    {
        var wait = AssertWaits(Decide(Subject(Window(9, 17, Tokyo), Uk), Local(London, 3, 28, 20)), WaitingReason.ContactTime, Local(London, 3, 29, 9));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 8, 0, 0, TimeSpan.Zero), wait.Until);
    }

    [Fact]
    public void On_the_european_fall_back_day_a_london_contact_is_called_at_nine_winter_time()
    {
        var wait = AssertWaits(Decide(Subject(Window(9, 17, Tokyo), Uk), Local(London, 10, 24, 20)), WaitingReason.ContactTime, Local(London, 10, 25, 9));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 9, 0, 0, TimeSpan.Zero), wait.Until);
    }

    [Fact]
    public void On_a_dst_day_in_only_one_zone_of_a_campaign_each_contact_keeps_its_own_clock()
    {
        // 29 March 2026: Europe has moved to summer time, the US did three weeks earlier; Japan has none.
        var window = Window(9, 17, LosAngeles);
        var now = new DateTimeOffset(2026, 3, 29, 7, 30, 0, TimeSpan.Zero);
        AssertWaits(Decide(Subject(window, Uk), now), WaitingReason.ContactTime, new DateTimeOffset(2026, 3, 29, 8, 0, 0, TimeSpan.Zero));
        AssertWaits(Decide(Subject(window, California), now), WaitingReason.ContactTime, new DateTimeOffset(2026, 3, 29, 16, 0, 0, TimeSpan.Zero));
        Assert.Equal(GateAnswer.Dial, Decide(Subject(window, Japan), now)); // 16:30 in Tokyo
    }

    [Fact]
    public void Adding_a_rule_is_one_case_and_an_ending_rule_wins_over_every_hold()
    {
        var gate = new DialGate([.. new IDialRule[] { new CampaignStatusRule(), new CallWindowRule(), new CallingRulesRule(), new NotBeforeRule() }, new ListedNumbers()]);
        var subject = Subject(Window(9, 17), Uk, status: CampaignStatus.Paused);
        Assert.Equal(new GateAnswer.End("do-not-call", "listed"), gate.Decide(subject, Local(London, 11, 25, 20)));
    }

    private sealed class ListedNumbers : IDialRule
    {
        public RuleVerdict Check(DialSubject subject, DateTimeOffset at) => new RuleVerdict.Stop("do-not-call", "listed");
    }
}
