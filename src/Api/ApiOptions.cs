namespace CallCampaigns.Api;

/// <summary>Configuration sections <c>Contacts</c> and <c>Campaigns</c>: defaults the API fills in.</summary>
public sealed class ApiDefaults
{
    /// <summary>ISO region used to read numbers written without a country code.</summary>
    public string? DefaultRegion { get; set; } = "US";

    /// <summary>The time zone of a campaign that names none.</summary>
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>How long a call holds a slot (dial to line end), assumed in estimates until real calls say otherwise.</summary>
    public double AssumedCallSeconds { get; set; } = 90;
}
