using CallCampaigns.Bench;

var benchmarks = new Dictionary<string, Func<Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["handoff"] = () => SlotHandoff.RunAsync(releases: Arguments.Int(args, "--releases", 1000)),
    ["csv"] = () => CsvImportThroughput.RunAsync(
        [Arguments.Int(args, "--rows", 100_000), Arguments.Int(args, "--large", 1_000_000)], Arguments.Text(args, "--ledgers", "postgres,sqlite")),
    ["webhooks"] = () => WebhookThroughput.RunAsync(
        calls: Arguments.Int(args, "--calls", 5000), campaigns: Arguments.Int(args, "--campaigns", 40), senders: Arguments.Int(args, "--senders", 32),
        ledger: Arguments.Text(args, "--ledger", "both")),
    ["failover"] = () => Failover.RunAsync(
        kills: Arguments.Int(args, "--kills", 10), seed: Arguments.Int(args, "--seed", 12),
        clusterSizes: Arguments.Text(args, "--nodes", "2,3").Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
    ["gate"] = () => GatePasses.RunAsync(items: Arguments.Int(args, "--items", 1_000_000), ledgers: Arguments.Text(args, "--ledgers", "postgres,sqlite")),
    ["eta"] = () => EtaAccuracy.RunAsync(
        talkSeconds: Arguments.Int(args, "--talk-seconds", 2), systemLimit: Arguments.Int(args, "--system-limit", 5), detail: Arguments.Flag(args, "--detail")),
    ["fuzz"] = async () => Environment.ExitCode = await RouteFuzzRun.RunAsync(
        cases: Arguments.Int(args, "--cases", 200), seed: Arguments.Text(args, "--seed", CallCampaigns.Testing.Fuzz.RouteFuzz.DefaultSeed),
        ledgers: Arguments.Text(args, "--ledgers", "postgres,sqlite")),
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.WriteLine($"usage: dotnet run --project bench -c Release -- <{string.Join('|', benchmarks.Keys)}> [options]");
    Console.WriteLine("  handoff [--releases 1000]   line-ending webhook accepted -> next POST /call, one node and three");
    Console.WriteLine("  csv [--rows 100000] [--large 1000000] [--ledgers postgres,sqlite]   CSV import and re-import, memory, webhooks meanwhile, beside a \\copy floor");
    Console.WriteLine("  webhooks [--calls 5000] [--campaigns 40] [--senders 32] [--ledger both|postgres|sqlite]   webhooks/s and answer latency vs a bare endpoint");
    Console.WriteLine("  failover [--kills 10] [--seed 12] [--nodes 2,3]   kill -9 of one node of each cluster size: time until its campaigns dial again, calls in flight, double dials");
    Console.WriteLine("  gate [--items 1000000] [--ledgers postgres,sqlite]   one dispatch pass through the dial gate, 90% of the items held by contact time, beside 1,000 items");
    Console.WriteLine("  eta [--talk-seconds 2] [--system-limit 5] [--detail]   share of calls starting within 10% of their estimated call time (--detail: each item's)");
    Console.WriteLine("  fuzz [--cases 200] [--seed 0N0XIzNsQ0O2] [--ledgers postgres,sqlite]   every route with generated input: per route cases, 2xx/4xx, failures");
    return 2;
}

await run();
return Environment.ExitCode;
