namespace CallCampaigns.Api;

/// <summary>Configuration sections <c>Contacts</c> and <c>Campaigns</c>: defaults the API fills in.</summary>
public sealed class ApiDefaults
{
    /// <summary>ISO region used to read numbers written without a country code.</summary>
    public string? DefaultRegion { get; set; } = "US";

    /// <summary>The time zone of a campaign that names none.</summary>
    public string DefaultTimeZone { get; set; } = "UTC";
}
