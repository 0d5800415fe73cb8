using CallCampaigns.Domain.Contacts;

namespace CallCampaigns.Domain.Tests;

public sealed class ContactTimesTests
{
    [Theory]
    [InlineData("+14155550100", "America/Los_Angeles", "US-CA")]
    [InlineData("+12125550100", "America/New_York", "US-NY")]
    [InlineData("+13055550100", "America/New_York", "US-FL")]
    [InlineData("+442079460958", "Europe/London", "GB")]
    [InlineData("+81312345678", "Asia/Tokyo", "JP")]
    public void A_number_gives_its_contact_one_zone_and_a_region(string number, string zone, string region)
    {
        var clock = ContactTimes.ForNumber(number);
        Assert.Equal([zone], clock.TimeZones);
        Assert.Equal(region, clock.Region);
    }

    [Fact]
    public void An_indian_number_is_on_india_time_in_region_IN()
    {
        var clock = ContactTimes.ForNumber("+919876543210");
        var zone = Assert.Single(clock.TimeZones);
        Assert.Equal(TimeSpan.FromHours(5.5), TimeZones.Find(zone).BaseUtcOffset);
        Assert.Equal("IN", clock.Region);
    }

    [Fact]
    public void A_number_whose_area_spans_two_zones_keeps_both()
    {
        var clock = ContactTimes.ForNumber("+16055550100"); // South Dakota: Mountain and Central time
        Assert.Equal(["America/Denver", "America/North_Dakota/Center"], clock.TimeZones);
        Assert.Equal("US-SD", clock.Region);
    }

    [Fact]
    public void A_city_in_the_geocoder_gives_its_state() => Assert.Equal("FL", UsStates.CodeOf("Miami, FL"));

    [Fact]
    public void A_toll_free_number_of_the_whole_north_american_plan_has_no_zone_but_its_country()
    {
        var clock = ContactTimes.ForNumber("+18005550100");
        Assert.Empty(clock.TimeZones);
        Assert.Equal("US", clock.Region);
    }

    [Theory]
    [InlineData("+883510012345")] // a global (non-country) number
    [InlineData("+19876543007")] // not a valid number
    [InlineData("")]
    [InlineData("not a number")]
    public void A_number_that_says_nothing_gives_an_unknown_clock(string number) =>
        Assert.Equal(ContactClock.Unknown, ContactTimes.ForNumber(number));

    [Fact]
    public void Unknown_zones_fall_back_to_the_one_given() =>
        Assert.Equal(["Europe/Paris"], ContactClock.Unknown.ZonesOr("Europe/Paris"));

    [Fact]
    public void The_stored_form_keeps_every_zone_and_drops_unknown_names()
    {
        var clock = ContactClock.FromStored("America/Denver, America/North_Dakota/Center,Mars/Olympus", "US-SD");
        Assert.Equal(["America/Denver", "America/North_Dakota/Center"], clock.TimeZones);
        Assert.Equal("America/Denver,America/North_Dakota/Center", clock.StoredZones);
    }
}
