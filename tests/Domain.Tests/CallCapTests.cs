using CallCampaigns.Domain.Limits;

namespace CallCampaigns.Domain.Tests;

/// <summary>The frequency cap: rolling, counted from the dials in its window.</summary>
public sealed class CallCapTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly CallCap ThreeADay = new(3, 24);

    [Fact]
    public void Under_the_cap_a_call_is_allowed() =>
        Assert.Null(ThreeADay.HeldUntil([Now.AddHours(-1), Now.AddHours(-2)], Now));

    [Fact]
    public void At_the_cap_the_number_waits_until_the_oldest_counted_dial_leaves_the_window() =>
        Assert.Equal(Now.AddHours(-20).AddHours(24), ThreeADay.HeldUntil([Now.AddHours(-1), Now.AddHours(-20), Now.AddHours(-5)], Now));

    [Fact]
    public void Dials_older_than_the_window_do_not_count_and_midnight_resets_nothing() =>
        Assert.Null(ThreeADay.HeldUntil([Now.AddHours(-25), Now.AddHours(-13), Now.AddHours(-12.5)], Now));

    [Fact]
    public void Over_the_cap_it_waits_for_as_many_to_leave_as_needed() =>
        Assert.Equal(Now.AddHours(-2).AddHours(24), new CallCap(2, 24).HeldUntil([Now.AddHours(-1), Now.AddHours(-10), Now.AddHours(-20), Now.AddHours(-2)], Now));

    [Theory]
    [InlineData(0, 24)]
    [InlineData(101, 24)]
    [InlineData(3, 0)]
    [InlineData(3, 745)]
    [InlineData(null, 24)]
    public void A_cap_out_of_bounds_is_refused(int? maxCalls, int? perHours) => Assert.NotNull(CallCap.Problem(maxCalls, perHours));
}
