using CallCampaigns.Domain.Contacts;
using CallCampaigns.Domain.Policy;
using CallCampaigns.Domain.Policy.Rules;
using static CallCampaigns.Domain.Tests.DialGateTests;

namespace CallCampaigns.Domain.Tests;

/// <summary>Each rule of the dial gate alone.</summary>
public sealed class DialRuleTests
{
    private static readonly ContactClock Uk = ContactTimes.ForNumber("+442079460958");
    private static readonly ContactClock Japan = ContactTimes.ForNumber("+81312345678");
    private static readonly DateTimeOffset Noon = Local("Europe/London", 11, 25, 12);

    [Theory]
    [InlineData(CampaignStatus.Active)]
    [InlineData(CampaignStatus.Scheduled)]
    public void A_running_campaign_allows_calls(string status) =>
        Assert.Equal(RuleVerdict.Allow, new CampaignStatusRule().Check(Subject(Window(9, 17), Uk, status: status), Noon));

    [Fact]
    public void A_paused_campaign_holds_with_no_time() =>
        Assert.Equal(WaitingReason.Paused, Assert.IsType<RuleVerdict.Hold>(new CampaignStatusRule().Check(Subject(Window(9, 17), Uk, status: CampaignStatus.Paused), Noon)) is { AllowsFrom: null } hold ? hold.Code : null);

    [Theory]
    [InlineData(CampaignStatus.Completed)]
    [InlineData(CampaignStatus.Cancelled)]
    public void A_final_campaign_ends_its_items(string status) =>
        Assert.IsType<RuleVerdict.Stop>(new CampaignStatusRule().Check(Subject(Window(9, 17), Uk, status: status), Noon));

    [Fact]
    public void The_window_rule_reads_the_window_in_the_contacts_zone()
    {
        var hold = Assert.IsType<RuleVerdict.Hold>(new CallWindowRule().Check(Subject(Window(9, 17), Japan), Noon)); // 21:00 in Tokyo
        Assert.Equal(WaitingReason.ContactTime, hold.Code);
        Assert.Equal(Local("Asia/Tokyo", 11, 26, 9), hold.AllowsFrom);
        Assert.Equal("Asia/Tokyo", hold.ShowZone);
    }

    [Fact]
    public void The_window_rule_in_campaign_mode_says_the_window_is_closed()
    {
        var hold = Assert.IsType<RuleVerdict.Hold>(new CallWindowRule().Check(Subject(Window(13, 17), Japan, WindowZone.Campaign), Noon));
        Assert.Equal(WaitingReason.WindowClosed, hold.Code);
        Assert.Equal(Local("Europe/London", 11, 25, 13), hold.AllowsFrom);
    }

    [Fact]
    public void The_not_before_rule_names_a_spread_time_or_a_retry()
    {
        var later = Noon.AddHours(1);
        Assert.Equal(RuleVerdict.Allow, new NotBeforeRule().Check(Subject(Window(9, 17), Uk, notBefore: Noon), Noon));
        Assert.Equal(WaitingReason.Scheduled, Assert.IsType<RuleVerdict.Hold>(new NotBeforeRule().Check(Subject(Window(9, 17), Uk, notBefore: later), Noon)).Code);
        var retry = Assert.IsType<RuleVerdict.Hold>(new NotBeforeRule().Check(Subject(Window(9, 17), Uk, notBefore: later, attempts: 2), Noon));
        Assert.Equal((WaitingReason.RetryDelay, later, "Retry 3 not before {when}."), (retry.Code, retry.AllowsFrom, retry.Text));
    }

    [Fact]
    public void The_shipped_calling_rules_are_the_us_florida_and_india_hours() =>
        Assert.Equal(
            ["US 08:00-21:00", "US-FL 08:00-20:00", "IN 09:00-21:00"],
            CallingRule.Defaults.Select(rule => rule.ToString()));

    [Theory]
    [InlineData("US", "US", true)]
    [InlineData("US", "US-FL", true)]
    [InlineData("US-FL", "US-FL", true)]
    [InlineData("US-FL", "US-CA", false)]
    [InlineData("US-FL", "US", false)]
    [InlineData("IN", "US-IN", false)]
    [InlineData("US", null, false)]
    public void A_rule_covers_its_region_and_a_countrys_rule_its_states(string rule, string? contact, bool covers) =>
        Assert.Equal(covers, new CallingRule("r", rule, new TimeOnly(8, 0), new TimeOnly(21, 0)).Covers(contact));

    [Fact]
    public void A_rule_for_named_days_says_nothing_on_the_others()
    {
        var sundays = new CallingRule("sun", "US", new TimeOnly(12, 0), new TimeOnly(17, 0), [DayOfWeek.Sunday]);
        var zone = TimeZones.Find("America/Los_Angeles");
        Assert.True(sundays.Allows(Local("America/Los_Angeles", 11, 28, 10), zone)); // Saturday
        Assert.False(sundays.Allows(Local("America/Los_Angeles", 11, 29, 10), zone)); // Sunday
        Assert.Equal(Local("America/Los_Angeles", 11, 29, 12), sundays.EarliestAllowedAtOrAfter(Local("America/Los_Angeles", 11, 29, 10), zone));
        Assert.Equal(Local("America/Los_Angeles", 11, 30, 0), sundays.EarliestAllowedAtOrAfter(Local("America/Los_Angeles", 11, 29, 17), zone));
    }

    [Fact]
    public void A_rule_crossing_midnight_allows_both_ends_of_the_day()
    {
        var nights = new CallingRule("n", "JP", new TimeOnly(22, 0), new TimeOnly(2, 0));
        var zone = TimeZones.Find("Asia/Tokyo");
        Assert.True(nights.Allows(Local("Asia/Tokyo", 11, 25, 23), zone));
        Assert.True(nights.Allows(Local("Asia/Tokyo", 11, 25, 1), zone));
        Assert.Equal(Local("Asia/Tokyo", 11, 25, 22), nights.EarliestAllowedAtOrAfter(Local("Asia/Tokyo", 11, 25, 2), zone));
    }

    [Fact]
    public void The_calling_rules_rule_holds_only_contacts_of_covered_regions()
    {
        var californian = ContactTimes.ForNumber("+14155550100");
        var night = Local("America/Los_Angeles", 11, 25, 23);
        Assert.Equal(RuleVerdict.Allow, new CallingRulesRule().Check(Subject(Window(0, 0), Uk), night));
        var hold = Assert.IsType<RuleVerdict.Hold>(new CallingRulesRule().Check(Subject(Window(0, 0), californian), night));
        Assert.Equal((WaitingReason.CallingRules, Local("America/Los_Angeles", 11, 26, 8)), (hold.Code, hold.AllowsFrom));
        Assert.Equal(RuleVerdict.Allow, new CallingRulesRule().Check(Subject(Window(0, 0), californian, rules: []), night));
    }

    [Fact]
    public void When_the_us_and_florida_rules_both_hold_the_florida_one_is_named()
    {
        var hold = Assert.IsType<RuleVerdict.Hold>(new CallingRulesRule().Check(Subject(Window(0, 0), ContactTimes.ForNumber("+13055550100")), Local("America/New_York", 11, 25, 5)));
        Assert.Contains("US-FL 08:00-20:00", hold.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_for_a_contact_with_no_known_zone_is_read_in_the_campaigns_zone()
    {
        var usSomewhere = ContactTimes.ForNumber("+18005550100"); // US, zone unknown
        var hold = Assert.IsType<RuleVerdict.Hold>(new CallingRulesRule().Check(Subject(Window(0, 0, "America/Chicago"), usSomewhere), Local("America/Chicago", 11, 25, 7)));
        Assert.Equal(Local("America/Chicago", 11, 25, 8), hold.AllowsFrom);
    }
}
