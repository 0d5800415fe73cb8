namespace CallCampaigns.Testing;
internal static class Placeholder { }
