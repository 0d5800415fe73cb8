using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CallCampaigns.Domain;
using CallCampaigns.Domain.Calls;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Bolna;

/// <summary>Where the simulator posts its webhooks: this node's own webhook URL, known once the server listens.</summary>
public sealed class SimulatorWebhookTarget
{
    public Uri? WebhookUrl { get; set; }
}

/// <summary>
/// The built-in dialer of the embedded default: answers dials like Bolna and posts realistic webhook sequences
/// (initiated, ringing, in-progress, call-disconnected, completed; or busy, no-answer, failed) to the node itself.
/// </summary>
public sealed class CallSimulator(
    IOptions<SimulatorOptions> options,
    SimulatorWebhookTarget target,
    IHttpClientFactory httpClients,
    EngineClock time,
    IHostApplicationLifetime lifetime,
    ILogger<CallSimulator> logger) : IDialer
{
    public const string HttpClientName = "simulator";

    /// <summary>The last call to each number this process placed, for finding a dial whose answer was lost.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string ExecutionId, DateTimeOffset At)> _recent = new();
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public static readonly IReadOnlyList<AgentInfo> Agents =
    [
        new("sim-sales-agent", "Sales assistant (simulated)"),
        new("sim-reminder-agent", "Appointment reminder (simulated)"),
    ];

    public async Task<DialResult> DialAsync(DialRequest request, Func<Task<string?>> whyNot, CancellationToken cancellationToken)
    {
        if (await whyNot() is { } reason) return DialResult.Failed(DialOutcome.Withdrawn, reason);
        if (!Agents.Any(agent => agent.Id == request.AgentId))
        {
            return DialResult.Failed(DialOutcome.CampaignRefused, $"The agent '{request.AgentId}' does not exist in the simulator");
        }

        var call = SimulatedCall.Plan(
            SimulatedCall.NewExecutionId(time.GetUtcNow()), request.AgentId, request.PhoneNumber, time.GetUtcNow(), options.Value);
        _recent[request.PhoneNumber] = (call.ExecutionId, call.DialledAt);
        _ = Task.Run(() => PlayAsync(call, lifetime.ApplicationStopping), CancellationToken.None);
        return DialResult.Accepted(call.ExecutionId);
    }

    /// <summary>A simulated call starts ringing at once: there is never a queued one to stop.</summary>
    public Task<bool> StopAsync(string executionId, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>The simulator knows every call this process placed: its search is complete for windows since it started.</summary>
    public Task<DialSearch> SearchExecutionsAsync(string agentId, string phoneNumber, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult(new DialSearch(
            _recent.TryGetValue(phoneNumber, out var recent) && recent.At >= from && recent.At <= to ? [recent.ExecutionId] : [],
            Complete: from >= _startedAt));

    public Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken) => Task.FromResult(Agents);

    public Task<string?> LookupAsync(string executionId, CancellationToken cancellationToken)
    {
        if (!SimulatedCall.TryReadDialTime(executionId, out var dialledAt)) return Task.FromResult<string?>(null);
        var call = SimulatedCall.Plan(executionId, "", "", dialledAt, options.Value);
        var elapsed = time.GetUtcNow() - dialledAt;
        var step = call.Steps.LastOrDefault(s => s.After <= elapsed) ?? call.Steps[0];
        return Task.FromResult<string?>(step.Body.ToJsonString());
    }

    private async Task PlayAsync(SimulatedCall call, CancellationToken stopping)
    {
        try
        {
            var started = time.GetUtcNow();
            using var http = httpClients.CreateClient(HttpClientName);
            foreach (var step in call.Steps)
            {
                var wait = started + step.After - time.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, stopping);
                await PostAsync(http, target.WebhookUrl, step.Body, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The node is stopping; a look-up after restart tells the rest of this call.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Simulated call {ExecutionId} stopped early", call.ExecutionId);
        }
    }

    /// <summary>Posts one webhook; the client's resilience pipeline retries failed deliveries, as Bolna does.</summary>
    private static async Task PostAsync(HttpClient http, Uri? url, JsonObject body, CancellationToken stopping)
    {
        using var response = await http.PostAsJsonAsync(url ?? throw new InvalidOperationException("The simulator has no webhook URL yet"), body, stopping);
    }
}
