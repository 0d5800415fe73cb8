namespace CallCampaigns.Domain.Tests;

public sealed class CallWindowTests
{
    private static readonly DateOnly Day = new(2026, 11, 25);

    private static CallWindow NineToSix(string zone = "UTC", DateOnly? end = null) => new(new TimeOnly(9, 0), new TimeOnly(18, 0), zone, Day, end);

    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void A_call_due_at_17_55_happens_today() =>
        Assert.Equal(Utc(25, 17, 55), NineToSix().EarliestStartAtOrAfter(Utc(25, 17, 55)));

    [Fact]
    public void A_call_due_at_18_05_happens_tomorrow_at_09_00() =>
        Assert.Equal(Utc(26, 9), NineToSix().EarliestStartAtOrAfter(Utc(25, 18, 5)));

    [Fact]
    public void The_last_call_time_is_exclusive()
    {
        Assert.True(NineToSix().IsOpenAt(Utc(25, 9)));
        Assert.False(NineToSix().IsOpenAt(Utc(25, 18)));
    }

    [Fact]
    public void Nothing_opens_before_the_start_date() =>
        Assert.Equal(Utc(25, 9), NineToSix().EarliestStartAtOrAfter(Utc(20, 12)));

    [Fact]
    public void After_the_end_date_no_opening_is_left()
    {
        var window = NineToSix(end: Day.AddDays(1));
        Assert.Equal(Utc(26, 9), window.EarliestStartAtOrAfter(Utc(25, 18)));
        Assert.Null(window.EarliestStartAtOrAfter(Utc(26, 18)));
        Assert.True(window.HasEndedAt(Utc(26, 18)));
    }

    [Fact]
    public void A_window_crossing_midnight_stays_open_past_midnight_and_belongs_to_the_day_it_opens()
    {
        var window = new CallWindow(new TimeOnly(22, 0), new TimeOnly(2, 0), "UTC", Day, Day);
        Assert.False(window.IsOpenAt(Utc(25, 1)));
        Assert.True(window.IsOpenAt(Utc(25, 23)));
        Assert.True(window.IsOpenAt(Utc(26, 1, 59)));
        Assert.False(window.IsOpenAt(Utc(26, 2)));
        Assert.Null(window.EarliestStartAtOrAfter(Utc(26, 2)));
    }

    [Theory]
    [InlineData("Europe/London", 2027, 3, 27, 9)]
    [InlineData("Europe/London", 2027, 3, 28, 8)]
    [InlineData("Europe/London", 2026, 10, 25, 9)]
    [InlineData("America/New_York", 2027, 3, 13, 14)]
    [InlineData("America/New_York", 2027, 3, 14, 13)]
    [InlineData("America/New_York", 2026, 11, 1, 14)]
    public void A_09_00_window_opens_at_09_00_local_time_on_both_sides_of_a_DST_change(string zone, int year, int month, int day, int utcHour)
    {
        var date = new DateOnly(year, month, day);
        var window = new CallWindow(new TimeOnly(9, 0), new TimeOnly(17, 0), zone, date, date);
        Assert.Equal(new DateTimeOffset(year, month, day, utcHour, 0, 0, TimeSpan.Zero), window.OpeningOn(date)!.Opens);
    }

    [Fact]
    public void A_window_that_opens_inside_a_spring_forward_gap_opens_when_the_gap_ends()
    {
        var date = new DateOnly(2027, 3, 28);
        var window = new CallWindow(new TimeOnly(1, 30), new TimeOnly(5, 0), "Europe/London", date, date);
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 1, 0, 0, TimeSpan.Zero), window.OpeningOn(date)!.Opens);
    }

    [Fact]
    public void Equal_first_and_last_times_mean_around_the_clock()
    {
        var window = new CallWindow(new TimeOnly(0, 0), new TimeOnly(0, 0), "UTC", Day, null);
        Assert.True(window.IsOpenAt(Utc(25, 23, 59)));
        Assert.True(window.IsOpenAt(Utc(26, 0)));
    }

    [Fact]
    public void Unknown_time_zones_are_told_apart_from_IANA_names()
    {
        Assert.True(TimeZones.IsKnown("Asia/Kolkata"));
        Assert.False(TimeZones.IsKnown("Mars/Olympus"));
    }
}
