namespace CallCampaigns.Domain.Campaigns;

/// <summary>What a contact's priority in a campaign is computed from, when it joins the campaign.</summary>
public readonly record struct PriorityFacts(
    bool HasName, bool HasEmail, bool HasCompany, int SuccessfulCalls, int NotConnectedCalls)
{
    /// <summary>The facts of a contact's fields (blank counts as missing) and call history.</summary>
    public static PriorityFacts Of(string? name, string? email, string? company, int successfulCalls, int notConnectedCalls) => new(
        !string.IsNullOrWhiteSpace(name), !string.IsNullOrWhiteSpace(email), !string.IsNullOrWhiteSpace(company),
        successfulCalls, notConnectedCalls);
}

/// <summary>The seed specification's priority rule: named contacts first, then richer records and good history.</summary>
public static class Priority
{
    public static int Compute(PriorityFacts facts)
    {
        var priority = 0;
        if (facts.HasName) priority += 100;
        if (facts.HasEmail) priority += 10;
        if (facts.HasCompany) priority += 10;
        priority += Math.Min(5 * Math.Max(facts.SuccessfulCalls, 0), 20);
        priority -= 10 * Math.Max(facts.NotConnectedCalls, 0);
        return Math.Max(priority, 0);
    }

    public static int Compute(string? name, string? email, string? company, int successfulCalls, int notConnectedCalls) =>
        Compute(PriorityFacts.Of(name, email, company, successfulCalls, notConnectedCalls));
}
