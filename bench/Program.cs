using CallCampaigns.Bench;

var benchmarks = new Dictionary<string, Func<Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["handoff"] = () => SlotHandoff.RunAsync(releases: Arguments.Int(args, "--releases", 1000)),
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.WriteLine($"usage: dotnet run --project bench -c Release -- <{string.Join('|', benchmarks.Keys)}> [options]");
    Console.WriteLine("  handoff [--releases 1000]   line-ending webhook accepted -> next POST /call, one node and three");
    return 2;
}

await run();
return 0;
