namespace CallCampaigns.Domain.Policy;

/// <summary>Whose clock a campaign's window is read on: the campaign's zone, or each contact's own.</summary>
public static class WindowZone
{
    public const string Campaign = "campaign";
    public const string Contact = "contact";

    public static readonly IReadOnlyList<string> All = [Campaign, Contact];
}
