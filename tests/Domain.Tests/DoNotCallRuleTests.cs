using CallCampaigns.Domain.Contacts;
using CallCampaigns.Domain.Policy;
using CallCampaigns.Domain.Policy.Rules;
using CallCampaigns.Domain.Suppressions;
using static CallCampaigns.Domain.Tests.DialGateTests;

namespace CallCampaigns.Domain.Tests;

/// <summary>The do-not-call rule of the dial gate, and what counts as an opt-out said in a call.</summary>
public sealed class DoNotCallRuleTests
{
    private static readonly ContactClock Uk = ContactTimes.ForNumber("+442079460958");
    private static readonly DateTimeOffset Noon = Local("Europe/London", 11, 25, 12);
    private static readonly Suppression Listed = new("+442079460958", Sources.Call, "opted out in call exec-1", Noon.AddDays(-1), SystemWide: false);

    [Fact]
    public void A_number_not_listed_is_allowed() =>
        Assert.Equal(RuleVerdict.Allow, new DoNotCallRule().Check(Subject(Window(9, 17), Uk), Noon));

    [Fact]
    public void A_listed_number_ends_its_item_naming_the_entry()
    {
        var stop = Assert.IsType<RuleVerdict.Stop>(new DoNotCallRule().Check(Subject(Window(9, 17), Uk) with { DoNotCall = Listed }, Noon));
        Assert.Equal("do-not-call", stop.Outcome);
        Assert.Equal("+442079460958 is on your do-not-call list since 2026-11-24 12:00 UTC (call: opted out in call exec-1)", stop.Reason);
    }

    [Fact]
    public void The_gate_ends_a_listed_item_even_when_another_rule_holds_it()
    {
        var paused = Subject(Window(9, 17), Uk, status: CampaignStatus.Paused) with { DoNotCall = Listed with { SystemWide = true } };
        var end = Assert.IsType<GateAnswer.End>(DialGate.Standard.Decide(paused, Noon));
        Assert.Contains("the system's do-not-call list", end.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"do_not_call": true}""", true)]
    [InlineData("""{"do_not_call": "Yes"}""", true)]
    [InlineData("""{"do_not_call": " true "}""", true)]
    [InlineData("""{"do_not_call": false}""", false)]
    [InlineData("""{"do_not_call": "no"}""", false)]
    [InlineData("""{"do_not_call": 1}""", false)]
    [InlineData("""{"other": true}""", false)]
    [InlineData("""[true]""", false)]
    [InlineData("""not json""", false)]
    [InlineData(null, false)]
    public void An_opt_out_is_the_field_said_true_or_yes(string? extracted, bool optedOut) =>
        Assert.Equal(optedOut, OptOut.Says(extracted, OptOut.DefaultField));
}
