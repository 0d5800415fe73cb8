namespace CallCampaigns.Domain.Tests;
internal static class Placeholder { }
