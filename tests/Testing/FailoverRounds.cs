using System.Globalization;
using System.Text;
using Npgsql;

namespace CallCampaigns.Testing;

/// <summary>
/// One kill: which node, how (<see cref="FailoverRounds.AfterDials"/> or a named kill point, and whether the armed
/// point was reached: if not, the node was killed after the dials instead), how many dials the round had seen by then,
/// how long until every user's campaign dialled again, contacts dialled twice, whether every campaign completed, the
/// contacts whose call did not end successful (every call the fake Bolna plays is answered: a call adopted late, or
/// given up, would show here), and the most calls in flight at the fake Bolna during the round.
/// </summary>
public sealed record FailoverRound(
    int Victim, string Planned, bool PointReached, int DialsBeforeKill, TimeSpan? Resumed, int DoubleDials, bool Finished, int Unsuccessful, int MaxInFlight)
{
    /// <summary>How the node died: the named point, or after a number of dials (planned so, or the point was not reached).</summary>
    public string Kind => PointReached ? Planned : FailoverRounds.AfterDials;
}

/// <summary>Every round, and the most calls in flight the fake Bolna saw beside the system limit.</summary>
public sealed record FailoverReport(IReadOnlyList<FailoverRound> Rounds, int MaxInFlight, int Limit);

/// <summary>
/// Kills one node of a cluster mid-campaign, on the shipped defaults, round after round (seeded): each round starts a
/// campaign per user (one user per node, each through its own node) and kills a random node in one of four ways, each
/// round of a block of four a different one in a seeded order: <c>kill -9</c> after a random number of the round's
/// dials, or the node killing itself (<c>CALLCAMPAIGNS_KILL_AT</c>, started so before the round) the n-th time it
/// reaches a named point: between a slot's claim and its dial, between Bolna accepting a dial and its execution being
/// recorded, between a webhook answered 202 and its application. It then measures the time until every user's
/// campaign dials again (the dead node's campaigns are the last to), starts the node again, waits for every campaign
/// to complete and counts contacts dialled twice. Real node processes, a fake Bolna that counts calls in flight from
/// dial to line end. With <c>everyPoint</c>, a named point no round reached gets more rounds (at most three).
/// </summary>
public static class FailoverRounds
{
    /// <summary>A <c>kill -9</c> from outside after a number of the round's dials.</summary>
    public const string AfterDials = "after-dials";

    /// <summary>The product's kill points (<c>CallCampaigns.Grains.KillPoints</c>), by the names its environment variable takes.</summary>
    public static IReadOnlyList<string> NamedPoints { get; } = ["grant-before-dial", "dial-before-record", "inbox-before-apply"];

    private const string AdminKey = "failover-admin";
    private const string Secret = "failover-secret";

    /// <summary>How long an armed node has to reach its point before it is killed from outside after all.</summary>
    private static readonly TimeSpan PointDeadline = TimeSpan.FromSeconds(60);

    private sealed record Kill(int Victim, string Kind, int Nth);

    public static async Task<FailoverReport> RunAsync(
        string database, int nodeCount, int kills, int seed, int contactsPerUser = 24, Action<string>? log = null, bool everyPoint = false)
    {
        var random = new Random(seed);
        var plan = Plan(random, nodeCount, kills, contactsPerUser); // the same kills for a seed
        var durations = new Random(seed + 1);
        await using var bolna = await FakeBolna.StartAsync();
        bolna.RedeliverFor = TimeSpan.FromSeconds(30); // Bolna retries a delivery the dead node refused (to the next node)
        bolna.Script = _ =>
        {
            lock (durations) return FakeBolna.Answered(TimeSpan.FromMilliseconds(durations.Next(500, 1500)));
        };

        var nodes = new NodeProcess?[nodeCount];
        var armed = new string?[nodeCount];
        var rounds = new List<FailoverRound>();
        var limit = 2 * nodeCount - 1; // users of limit 2 each: the system limit binds
        try
        {
            for (var i = 0; i < nodeCount; i++) nodes[i] = await StartAsync(database, bolna, null);
            using var admin = new CampaignsClient(nodes[0]!.BaseUrl, AdminKey);
            await admin.SendAsync(HttpMethod.Put, "api/admin/system", new { systemConcurrentCallsLimit = limit });
            var users = new List<(string Key, long[] Contacts)>();
            for (var u = 0; u < nodeCount; u++)
            {
                var key = await admin.CreateUserAsync($"user{u}", limit: 2);
                using var client = new CampaignsClient(nodes[u]!.BaseUrl, key);
                users.Add((key, await client.CreateContactsAsync(contactsPerUser, numberBase: u * 100)));
            }

            for (var round = 0; round < plan.Count; round++)
            {
                var kill = plan[round];
                var victim = kill.Victim;
                var spec = kill.Kind == AfterDials ? null : $"{kill.Kind}:{kill.Nth}";
                if (armed[victim] != spec)
                {
                    // Armed only for this round: stopped gracefully (nothing runs between rounds), started with its point.
                    await StopAsync(nodes[victim]!, bolna);
                    nodes[victim] = await StartAsync(database, bolna, spec);
                    armed[victim] = spec;
                }

                bolna.TakeMaxConcurrentCalls();
                var roundStart = DateTimeOffset.UtcNow;
                // Each created through its user's node (where it is placed) with its window shut, then opened through
                // a survivor, the victim's last: an armed node may die as soon as a campaign dials, and no request to
                // it must be under way then.
                var shut = roundStart.UtcDateTime.AddHours(2);
                var campaigns = new List<long>();
                for (var u = 0; u < nodeCount; u++)
                {
                    using var client = new CampaignsClient(nodes[u]!.BaseUrl, users[u].Key);
                    campaigns.Add((await client.CreateCampaignAsync(new
                    {
                        agentId = FakeBolna.AgentId, timeZone = "UTC", pacing = "asap", contactIds = users[u].Contacts,
                        firstCallTime = shut.ToString("HH:00", CultureInfo.InvariantCulture), lastCallTime = shut.AddHours(1).ToString("HH:00", CultureInfo.InvariantCulture),
                    }))["id"]!.GetValue<long>());
                }

                foreach (var u in Enumerable.Range(0, nodeCount).OrderBy(u => u == victim))
                {
                    await OpenWindowAsync(nodes[(victim + 1) % nodeCount]!, users[u].Key, campaigns[u]);
                }

                int DialsSoFar() => bolna.Calls.Count(c => c.At >= roundStart);
                var reached = false;
                if (spec is null)
                {
                    while (DialsSoFar() < kill.Nth) await Task.Delay(20);
                }
                else
                {
                    // The node dies by itself at its point; one that has not within the deadline (it ran none of the
                    // round's campaigns, say) is killed from outside before the round runs out of dials.
                    var deadline = DateTimeOffset.UtcNow + PointDeadline;
                    while (!nodes[victim]!.HasExited && DateTimeOffset.UtcNow < deadline && DialsSoFar() < contactsPerUser * nodeCount * 3 / 4) await Task.Delay(20);
                    reached = nodes[victim]!.HasExited;
                }

                var dialsBeforeKill = DialsSoFar();
                var killedAt = DateTimeOffset.UtcNow;
                await nodes[victim]!.KillAsync();
                var gone = DateTimeOffset.UtcNow.AddMilliseconds(200); // a dial the dead node sent before it died may still arrive
                lock (bolna.WebhookUrls) bolna.WebhookUrls.Remove(Hook(nodes[victim]!));
                var resumed = await WaitUntilEveryCampaignDialsAsync(bolna, nodeCount, contactsPerUser, roundStart, killedAt, gone);

                var deadLog = nodes[victim]!.Log;
                await nodes[victim]!.DisposeAsync();
                nodes[victim] = null;
                nodes[victim] = await StartAsync(database, bolna, null);
                armed[victim] = null;
                var finished = true;
                var unsuccessful = 0;
                for (var u = 0; u < nodeCount; u++)
                {
                    using var client = new CampaignsClient(nodes[(victim + 1) % nodeCount]!.BaseUrl, users[u].Key);
                    try
                    {
                        await client.WaitForCampaignAsync(campaigns[u], c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(180));
                        var campaign = await client.GetCampaignAsync(campaigns[u]);
                        unsuccessful += campaign["totalContacts"]!.GetValue<int>() - campaign["successfulCalls"]!.GetValue<int>();
                    }
                    catch (TimeoutException)
                    {
                        finished = false;
                    }
                }

                var twice = bolna.Calls.Where(c => c.At >= roundStart).GroupBy(c => c.RecipientPhoneNumber).Where(g => g.Count() > 1).ToArray();
                var doubles = twice.Sum(g => g.Count() - 1);
                var result = new FailoverRound(victim, kill.Kind, reached, dialsBeforeKill, resumed, doubles, finished, unsuccessful, bolna.TakeMaxConcurrentCalls());
                rounds.Add(result);
                if (log is not null && (resumed is null || !finished || doubles > 0 || unsuccessful > 0))
                {
                    // What went wrong, from the ledger and from what the nodes said (at warning level by default).
                    foreach (var number in twice)
                    {
                        log(string.Create(CultureInfo.InvariantCulture,
                            $"{number.Key} dialled {number.Count()} times: {string.Join(", ", number.Select(c => $"{c.ExecutionId} at {(c.At - killedAt).TotalSeconds:F2} s from the kill"))}"));
                    }

                    log(await DescribeAsync(database, campaigns, twice.SelectMany(g => g).ToArray(), nodes.Select((n, i) => (i, n?.Log ?? "")).Append((victim, deadLog))));
                }

                var how = spec is null ? $"after {dialsBeforeKill} dials" : reached ? $"at {spec} ({dialsBeforeKill} dials)" : $"after {dialsBeforeKill} dials ({spec} not reached)";
                log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"{nodeCount} nodes, kill {round + 1}: node {victim} {how}; every campaign dialling again after {resumed?.TotalSeconds:F1} s; most in flight {result.MaxInFlight} (limit {limit}); double dials {doubles}; completed {finished}, {unsuccessful} calls not successful"));

                // A victim may run none of the round's campaigns (placement is not always local): with everyPoint, a
                // point never reached is tried again in a round of its own, at its first time, up to three more rounds.
                var missing = NamedPoints.Except(rounds.Where(r => r.PointReached).Select(r => r.Planned)).ToArray();
                if (everyPoint && round == plan.Count - 1 && missing.Length > 0 && plan.Count < kills + 3)
                {
                    plan.Add(new Kill(random.Next(nodeCount), missing[0], 1));
                }
            }

            return new FailoverReport(rounds, bolna.MaxConcurrentCalls, limit);
        }
        finally
        {
            foreach (var node in nodes) if (node is not null) await node.DisposeAsync();
        }
    }

    /// <summary>
    /// Every round's kill, from the seed: a random victim; the four ways of dying in a seeded order within each block of
    /// four rounds (so that a few rounds try every one); for a kill after dials, a number of them; for a named point, the
    /// n-th time: early in the round, so that most of it runs after the death.
    /// </summary>
    private static List<Kill> Plan(Random random, int nodeCount, int kills, int contactsPerUser)
    {
        var kinds = new List<string>();
        while (kinds.Count < kills)
        {
            string[] block = [AfterDials, .. NamedPoints];
            random.Shuffle(block);
            kinds.AddRange(block);
        }

        return kinds.Take(kills).Select(kind => new Kill(random.Next(nodeCount), kind, kind switch
        {
            AfterDials => random.Next(2 * nodeCount, contactsPerUser * nodeCount / 2),
            "inbox-before-apply" => random.Next(1, 4 * nodeCount), // five webhooks a call, shared by the nodes
            _ => random.Next(1, 4),
        })).ToList();
    }

    /// <summary>
    /// The time from the kill until every user's campaign with work left dialled again from a survivor (a dial seen
    /// after <paramref name="gone"/>); null if one did not within 2 minutes.
    /// </summary>
    private static async Task<TimeSpan?> WaitUntilEveryCampaignDialsAsync(
        FakeBolna bolna, int nodeCount, int contactsPerUser, DateTimeOffset roundStart, DateTimeOffset killedAt, DateTimeOffset gone)
    {
        var waiting = Enumerable.Range(0, nodeCount).ToHashSet();
        var latest = TimeSpan.Zero;
        while (waiting.Count > 0 && DateTimeOffset.UtcNow < killedAt.AddMinutes(2))
        {
            var calls = bolna.Calls;
            foreach (var u in waiting.ToArray())
            {
                var mine = calls.Where(c => c.At >= roundStart && UserOf(c) == u).ToArray();
                var after = mine.Where(c => c.At > gone).ToArray();
                if (after.Length > 0)
                {
                    waiting.Remove(u);
                    var first = after.Min(c => c.At) - killedAt;
                    if (first > latest) latest = first;
                }
                else if (mine.Length >= contactsPerUser)
                {
                    waiting.Remove(u); // nothing was left to dial
                }
            }

            await Task.Delay(50);
        }

        return waiting.Count == 0 ? latest : null;
    }

    /// <summary>
    /// A round's campaigns, their calls still open in the ledger (items not ended, slot leases, deliveries not applied),
    /// the items and deliveries of the numbers dialled twice, and the last lines each node wrote: what a failed round's
    /// report needs to be explained without running it again.
    /// </summary>
    private static async Task<string> DescribeAsync(
        string database, IReadOnlyList<long> campaigns, IReadOnlyList<ReceivedCall> dialledTwice, IEnumerable<(int Node, string Log)> logs)
    {
        var text = new StringBuilder("The ledger after the round:\n");
        try
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            string[] queries =
            [
                "SELECT id, user_id, status, status_reason FROM campaigns WHERE id = ANY(@ids) ORDER BY id",
                "SELECT campaign_id, status, count(*) AS items FROM queue_items WHERE campaign_id = ANY(@ids) GROUP BY campaign_id, status ORDER BY campaign_id, status",
                "SELECT id, campaign_id, status, attempts, execution_id, started_at, dial_unknown_at FROM queue_items WHERE campaign_id = ANY(@ids) AND status NOT IN ('completed', 'failed') ORDER BY id",
                "SELECT id, campaign_id, status, attempts, execution_id, started_at, ended_at, outcome FROM queue_items WHERE campaign_id = ANY(@ids) AND phone_number = ANY(@twice) ORDER BY id",
                "SELECT execution_id, item_id, attempt, status, dialed_at FROM call_attempts WHERE execution_id = ANY(@twiceCalls) ORDER BY dialed_at",
                "SELECT id, execution_id, status, source, received_at, applied_at FROM call_events WHERE execution_id = ANY(@twiceCalls) ORDER BY id",
                "SELECT * FROM slot_leases ORDER BY id",
                "SELECT id, execution_id, status, source, received_at, attempts, next_attempt_at, set_aside_at, last_error FROM call_events WHERE applied_at IS NULL ORDER BY id LIMIT 50",
                "SELECT (extract(epoch FROM now()) * 1000)::bigint AS now_ms",
            ];
            foreach (var query in queries)
            {
                await using var command = new NpgsqlCommand(query, connection);
                command.Parameters.AddWithValue("ids", campaigns.ToArray());
                command.Parameters.AddWithValue("twice", dialledTwice.Select(c => c.RecipientPhoneNumber).Distinct().ToArray());
                command.Parameters.AddWithValue("twiceCalls", dialledTwice.Select(c => c.ExecutionId).ToArray());
                text.Append("  ").Append(query).Append('\n');
                await LedgerRows.AppendAsync(text, command);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            text.Append("  (not read: ").Append(e.Message).Append(")\n");
        }

        foreach (var (node, log) in logs)
        {
            var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            text.Append(CultureInfo.InvariantCulture, $"Node {node}, last {Math.Min(lines.Length, 40)} of {lines.Length} lines:\n");
            foreach (var line in lines.TakeLast(40)) text.Append("  ").Append(LedgerRows.Cut(line)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The user of a number: user i's contacts are numbered from i x 100.</summary>
    private static int UserOf(ReceivedCall call) => int.Parse(call.RecipientPhoneNumber[^4..], CultureInfo.InvariantCulture) / 100;

    /// <summary>Opens a campaign's window to the whole day; tried again while the campaign's node may be dying.</summary>
    private static async Task OpenWindowAsync(NodeProcess through, string key, long campaignId)
    {
        using var client = new CampaignsClient(through.BaseUrl, key);
        for (var deadline = DateTimeOffset.UtcNow.AddMinutes(2); ; await Task.Delay(500))
        {
            try
            {
                await client.SendAsync(HttpMethod.Patch, $"api/campaigns/{campaignId}", new { firstCallTime = "00:00", lastCallTime = "00:00" });
                return;
            }
            catch (HttpRequestException) when (DateTimeOffset.UtcNow < deadline)
            {
            }
        }
    }

    private static string Hook(NodeProcess node) => $"{node.BaseUrl}api/webhooks/bolna?token={Secret}";

    /// <summary>Stops a node as an orchestrator would (SIGTERM), after Bolna stops sending it webhooks.</summary>
    private static async Task StopAsync(NodeProcess node, FakeBolna bolna)
    {
        lock (bolna.WebhookUrls) bolna.WebhookUrls.Remove(Hook(node));
        try
        {
            await node.StopAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            // Not stopped within the time: killed by the dispose below.
        }

        await node.DisposeAsync();
    }

    /// <summary>A node on the shipped defaults; <paramref name="killAt"/> arms a kill point (null: none, whatever the test's own environment says).</summary>
    private static async Task<NodeProcess> StartAsync(string database, FakeBolna bolna, string? killAt)
    {
        var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["Auth__AdminKey"] = AdminKey,
            ["Bolna__WebhookSecret"] = Secret,
            ["Bolna__ApiKey"] = bolna.ApiKey,
            ["Bolna__BaseUrl"] = bolna.BaseUrl.ToString(),
            ["Logging__LogLevel__Default"] = Environment.GetEnvironmentVariable("CALLCAMPAIGNS_NODE_LOGLEVEL") ?? "Warning",
            ["CALLCAMPAIGNS_KILL_AT"] = killAt ?? "",
        });
        lock (bolna.WebhookUrls) bolna.WebhookUrls.Add(Hook(node));
        return node;
    }
}
