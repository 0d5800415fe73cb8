namespace CallCampaigns.Testing.Fuzz;

/// <summary>What one route's generated cases got: how many, how many answered 2xx (or 3xx) and 4xx, and what broke the property.</summary>
public sealed class RouteReport(string route)
{
    public string Route { get; } = route;

    public int Cases { get; set; }

    public int Success { get; set; }

    public int Refused { get; set; }

    public List<string> Failures { get; } = [];

    public override string ToString() => $"{Route}: {Cases} cases, {Success} 2xx/3xx, {Refused} 4xx, {Failures.Count} failures";
}
