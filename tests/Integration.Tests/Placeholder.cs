namespace CallCampaigns.Integration.Tests;
internal static class Placeholder { }
