namespace CallCampaigns.Domain.Tests;

public sealed class WakeStepTests
{
    [Fact]
    public void A_wake_up_months_away_is_armed_for_at_most_28_days_well_inside_the_49_day_limit_of_Orleans()
    {
        Assert.Equal(TimeSpan.FromDays(28), WakeStep.Clamp(TimeSpan.FromDays(365 * 5)));
        Assert.True(WakeStep.Max < TimeSpan.FromMilliseconds(uint.MaxValue - 1));
    }

    [Fact]
    public void A_near_wake_up_is_armed_as_it_is_and_a_past_one_at_once()
    {
        Assert.Equal(TimeSpan.FromHours(3), WakeStep.Clamp(TimeSpan.FromHours(3)));
        Assert.Equal(TimeSpan.Zero, WakeStep.Clamp(TimeSpan.FromSeconds(-5)));
    }
}
