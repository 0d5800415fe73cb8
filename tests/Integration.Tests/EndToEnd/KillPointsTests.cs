using CallCampaigns.Grains;

namespace CallCampaigns.Integration.Tests.EndToEnd;

public sealed class KillPointsTests
{
    [Theory]
    [InlineData(null, null, 0)]
    [InlineData("", null, 0)]
    [InlineData("grant-before-dial", "grant-before-dial", 1)]
    [InlineData("dial-before-record:3", "dial-before-record", 3)]
    [InlineData(" inbox-before-apply:12 ", "inbox-before-apply", 12)]
    public void A_kill_point_is_armed_by_its_name_and_the_time_it_is_reached(string? spec, string? point, int nth)
    {
        var parsed = KillPoints.ParseSpec(spec);

        Assert.Equal(point, parsed?.Point);
        Assert.Equal(nth, parsed?.Nth ?? 0);
    }

    [Theory]
    [InlineData("grant-before-dail")]
    [InlineData("grant-before-dial:0")]
    [InlineData("grant-before-dial:x")]
    [InlineData("grant-before-dial:1:2")]
    public void A_misspelt_kill_point_stops_the_node_rather_than_quietly_never_firing(string spec) =>
        Assert.Throws<ArgumentException>(() => KillPoints.ParseSpec(spec));

    [Fact]
    public void Unarmed_a_kill_point_passed_does_nothing()
    {
        foreach (var point in KillPoints.All) KillPoints.Reached(point);

        Assert.Null(KillPoints.Description);
    }
}
