using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallCampaigns.Testing;

/// <summary>A dial Bolna received: the parsed request body.</summary>
public sealed record ReceivedCall(string ExecutionId, string AgentId, string RecipientPhoneNumber, string? FromPhoneNumber, JsonObject Body, DateTimeOffset At);

/// <summary>
/// One webhook of a scripted call: sent <see cref="After"/> the previous step, once <see cref="Until"/> (when given)
/// has completed.
/// </summary>
/// <summary>
/// One status change of a scripted call: after a pause (and <see cref="Until"/>, when given), the execution takes the
/// status; its webhook is posted unless <see cref="Delivered"/> is false (a delivery Bolna lost: only a look-up sees it).
/// </summary>
public sealed record ScriptStep(TimeSpan After, string Status, Action<JsonObject>? Fill = null, Task? Until = null, bool Delivered = true);

/// <summary>
/// A fake Bolna over real HTTP, held to Bolna's documented protocol (reference/bolna.md, openapi.yml):
/// <c>POST /call</c> (Bearer key; 200 <c>{message, status: queued, execution_id}</c>; 400 for a bad body; 403
/// <c>{detail}</c> for a bad key), <c>GET /executions/{id}</c>, <c>GET /v2/agent/all</c>, and one webhook per status
/// change carrying the whole execution object, posted to the configured webhook URLs.
/// </summary>
public sealed class FakeBolna : IAsyncDisposable
{
    public const string AgentId = "123e4567-e89b-12d3-a456-426655440000";

    private readonly WebApplication _app;
    private readonly HttpClient _http = new();
    private readonly ConcurrentDictionary<string, JsonObject> _executions = new();
    private readonly ConcurrentQueue<ReceivedCall> _calls = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];
    private int _active;
    private int _searches;
    private int _lookups;
    private readonly ConcurrentDictionary<string, bool> _stopped = new();
    private int _maxActive;
    private int _maxSinceTaken;
    private int _nextTarget;

    private FakeBolna(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public string ApiKey { get; set; } = "bolna-test-key";

    /// <summary>
    /// Where webhooks go, taken in turn (several nodes of one cluster share the load as behind a balancer). A test that
    /// changes them while calls play locks the list.
    /// </summary>
    public IList<string> WebhookUrls { get; } = new List<string>();

    /// <summary>How each dial plays out; by default it connects, talks for two seconds and completes.</summary>
    public Func<ReceivedCall, IReadOnlyList<ScriptStep>> Script { get; set; } = _ => Answered(TimeSpan.FromSeconds(2));

    /// <summary>How long an accepted <c>POST /call</c> takes to answer (the call is placed at once regardless).</summary>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>Every webhook is delivered this many times (Bolna retries deliveries it thinks failed).</summary>
    public int WebhookCopies { get; set; } = 1;

    /// <summary>
    /// How long a delivery that was not answered 2xx (or not answered at all) is posted again, once a second, as
    /// Bolna retries; zero (the default): each delivery is posted once.
    /// </summary>
    public TimeSpan RedeliverFor { get; set; }

    /// <summary>The <c>Retry-After</c> seconds sent with a 429.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Told of every dial Bolna accepts, as it arrives (before the answer is sent).</summary>
    public Action<ReceivedCall>? Received { get; set; }

    /// <summary>Awaited before an accepted dial is answered: what happens while Bolna has not answered yet (a webhook that overtakes it).</summary>
    public Func<ReceivedCall, Task>? BeforeAnswer { get; set; }

    /// <summary>Answers <c>POST /call</c> with this status instead of accepting (null: accept).</summary>
    public Func<ReceivedCall, int?> RefuseWith { get; set; } = _ => null;

    /// <summary>Per call: places it (it plays its script) but answers the dial with this status anyway (a 5xx after the fact).</summary>
    public Func<ReceivedCall, int?> FailAfterPlacing { get; set; } = _ => null;

    /// <summary>How long listing the agents takes (a slow Bolna).</summary>
    public TimeSpan AgentsDelay { get; set; }

    /// <summary>When set, the executions search answers with this status instead of its results.</summary>
    public int? SearchStatus { get; set; }

    /// <summary>How many executions searches were asked for.</summary>
    public int Searches => Volatile.Read(ref _searches);

    /// <summary>How many executions were looked up (<c>GET /executions/{id}</c>).</summary>
    public int Lookups => Volatile.Read(ref _lookups);

    /// <summary>The executions stopped with <c>POST /call/{id}/stop</c>.</summary>
    public IReadOnlyCollection<string> Stopped => _stopped.Keys.ToArray();

    public IReadOnlyList<ReceivedCall> Calls => _calls.ToArray();

    /// <summary>Most calls that were live at once, from dial to the line-ending webhook.</summary>
    public int MaxConcurrentCalls => Volatile.Read(ref _maxActive);

    public int ActiveCalls => Volatile.Read(ref _active);

    /// <summary>The most calls live at once since the last time this was taken (or the start); starts the next period.</summary>
    public int TakeMaxConcurrentCalls() => Interlocked.Exchange(ref _maxSinceTaken, Volatile.Read(ref _active));

    public static async Task<FakeBolna> StartAsync()
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeBolna(app, new Uri($"http://127.0.0.1:{port}/"));
        fake.Map(app);
        await app.StartAsync();
        return fake;
    }

    public static IReadOnlyList<ScriptStep> Answered(TimeSpan talk) =>
    [
        new(TimeSpan.FromMilliseconds(50), "initiated"),
        new(TimeSpan.FromMilliseconds(50), "ringing"),
        new(TimeSpan.FromMilliseconds(100), "in-progress"),
        new(talk, "call-disconnected", body => body["transcript"] = "assistant: Hello!\nuser: Hi."),
        new(TimeSpan.FromMilliseconds(200), "completed", body =>
        {
            body["conversation_duration"] = talk.TotalSeconds;
            body["total_cost"] = Math.Round(talk.TotalSeconds / 10, 2);
            body["transcript"] = "assistant: Hello!\nuser: Hi.";
            body["summary"] = "Talked briefly.";
            body["telephony_data"]!["duration"] = ((int)Math.Ceiling(talk.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            body["telephony_data"]!["recording_url"] = "https://recordings.example/fake.mp3";
            body["telephony_data"]!["hangup_reason"] = "Call recipient hungup";
        }),
    ];

    /// <summary>A call that connects and stays on the line until <paramref name="hangUp"/> completes.</summary>
    public static IReadOnlyList<ScriptStep> AnsweredUntil(Task hangUp) =>
    [
        new(TimeSpan.Zero, "ringing"),
        new(TimeSpan.Zero, "in-progress"),
        new(TimeSpan.Zero, "call-disconnected", Until: hangUp),
        new(TimeSpan.FromMilliseconds(20), "completed", body => body["conversation_duration"] = 5),
    ];

    public static IReadOnlyList<ScriptStep> Unanswered(string status, TimeSpan after) =>
    [
        new(TimeSpan.FromMilliseconds(50), "initiated"),
        new(TimeSpan.FromMilliseconds(50), "ringing"),
        new(after, status),
    ];

    /// <summary>Posts one webhook body as Bolna would, to the next webhook URL.</summary>
    public async Task<HttpResponseMessage> PostWebhookAsync(JsonObject body, CancellationToken cancellationToken = default)
    {
        string url;
        lock (WebhookUrls) url = WebhookUrls[(Interlocked.Increment(ref _nextTarget) & int.MaxValue) % WebhookUrls.Count]; // a test may change them meanwhile
        return await _http.PostAsJsonAsync(url, body, cancellationToken);
    }

    /// <summary>The execution object as Bolna would post it in a webhook with <paramref name="status"/>.</summary>
    public JsonObject WebhookBody(ReceivedCall call, string status)
    {
        var body = NewExecution(call, status);
        _executions[call.ExecutionId] = body;
        if (IsLineEnd(status)) Interlocked.Decrement(ref _active);
        return (JsonObject)body.DeepClone();
    }

    public JsonObject? Execution(string executionId) => _executions.TryGetValue(executionId, out var body) ? (JsonObject)body.DeepClone() : null;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] running;
        lock (_running) running = [.. _running];
        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // Calls cut short by the end of the test.
        }

        await _app.DisposeAsync();
        _http.Dispose();
        _stopping.Dispose();
    }

    private void Map(WebApplication app)
    {
        app.MapPost("/call", async (HttpRequest request) =>
        {
            if (request.Headers.Authorization.ToString() != $"Bearer {ApiKey}")
            {
                return Results.Json(new { detail = "Invalid API key" }, statusCode: 403);
            }

            JsonObject? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<JsonObject>(request.Body);
            }
            catch (JsonException)
            {
                return Results.Json(new { error = 400, message = "Body is not JSON" }, statusCode: 400);
            }

            var agent = body?["agent_id"]?.GetValue<string>();
            var to = body?["recipient_phone_number"]?.GetValue<string>();
            if (string.IsNullOrEmpty(agent) || string.IsNullOrEmpty(to) || !to.StartsWith('+'))
            {
                return Results.Json(new { error = 400, message = "agent_id and recipient_phone_number (E.164) are required" }, statusCode: 400);
            }

            var call = new ReceivedCall(Guid.NewGuid().ToString(), agent, to, body!["from_phone_number"]?.GetValue<string>(), body, DateTimeOffset.UtcNow);
            _calls.Enqueue(call);
            if (RefuseWith(call) is { } status)
            {
                if (status == 429) request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return status is 401 or 403
                    ? Results.Json(new { detail = "Invalid API key" }, statusCode: status)
                    : Results.Json(new { error = status, message = $"Refused with {status}" }, statusCode: status);
            }

            Received?.Invoke(call);
            var started = Interlocked.Increment(ref _active);
            for (var max = _maxActive; started > max; max = _maxActive) Interlocked.CompareExchange(ref _maxActive, started, max);
            for (var max = _maxSinceTaken; started > max; max = _maxSinceTaken) Interlocked.CompareExchange(ref _maxSinceTaken, started, max);
            _executions[call.ExecutionId] = NewExecution(call, "queued");
            lock (_running) _running.Add(Task.Run(() => PlayAsync(call)));
            if (AnswerDelay > TimeSpan.Zero) await Task.Delay(AnswerDelay);
            if (BeforeAnswer is { } before) await before(call);
            if (FailAfterPlacing(call) is { } failure) return Results.Json(new { error = failure, message = $"Failed with {failure}" }, statusCode: failure);
            return Results.Ok(new { message = "done", status = "queued", execution_id = call.ExecutionId });
        });

        app.MapGet("/executions/{id}", (string id) =>
        {
            Interlocked.Increment(ref _lookups);
            return _executions.TryGetValue(id, out var body) ? Results.Text(body.ToJsonString(), "application/json") : Results.Json(new { detail = "Not found" }, statusCode: 404);
        });

        app.MapPost("/call/{id}/stop", (string id) =>
        {
            if (!_executions.TryGetValue(id, out var body)) return Results.Json(new { detail = "Not found" }, statusCode: 404);
            _stopped[id] = true;
            var status = body["status"]?.GetValue<string>();
            return status is "queued" or "scheduled"
                ? Results.Ok(new { message = "done", status = "stopped", execution_id = id })
                : Results.Json(new { error = 400, message = "Only a queued or scheduled call can be stopped" }, statusCode: 400);
        });

        app.MapGet("/v2/agent/{agentId}/executions", (string agentId, string? from, string? to, int? page_number, int? page_size) =>
        {
            Interlocked.Increment(ref _searches);
            if (SearchStatus is { } failing) return Results.Json(new { detail = "Search failed" }, statusCode: failing);
            if (from is null || to is null || !DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, out var since) || !DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, out var until))
            {
                return Results.Json(new { detail = "from and to are required" }, statusCode: 400);
            }

            if (until - since > TimeSpan.FromDays(7)) return Results.Json(new { detail = "The window may be at most 7 days" }, statusCode: 400);
            var size = Math.Clamp(page_size ?? 20, 1, 50);
            var page = Math.Max(page_number ?? 1, 1);
            var matching = _calls.Where(c => c.AgentId == agentId && c.At >= since && c.At <= until && _executions.ContainsKey(c.ExecutionId)).OrderByDescending(c => c.At).ToArray();
            var data = matching.Skip((page - 1) * size).Take(size).Select(c => new
            {
                id = c.ExecutionId,
                status = _executions.TryGetValue(c.ExecutionId, out var body) ? body["status"]!.GetValue<string>() : "queued",
                created_at = c.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                telephony_data = new { to_number = c.RecipientPhoneNumber },
            }).ToArray();
            return Results.Json(new { page_number = page, page_size = size, total = matching.Length, has_more = page * size < matching.Length, data });
        });

        app.MapGet("/v2/agent/all", async () =>
        {
            if (AgentsDelay > TimeSpan.Zero) await Task.Delay(AgentsDelay);
            return Results.Json(new[]
            {
                new { id = AgentId, agent_name = "Fake sales agent", agent_status = "processed" },
                new { id = "223e4567-e89b-12d3-a456-426655440000", agent_name = "Fake reminder agent", agent_status = "processed" },
            });
        });
    }

    private async Task PlayAsync(ReceivedCall call)
    {
        var lineEnded = false;
        try
        {
            foreach (var step in Script(call))
            {
                if (step.Until is { } gate) await gate.WaitAsync(_stopping.Token);
                await Task.Delay(step.After, _stopping.Token);
                var body = NewExecution(call, step.Status);
                step.Fill?.Invoke(body);
                _executions[call.ExecutionId] = body;
                if (!lineEnded && IsLineEnd(step.Status))
                {
                    lineEnded = true;
                    Interlocked.Decrement(ref _active);
                }

                for (var copy = 0; step.Delivered && copy < WebhookCopies && WebhookUrls.Count > 0; copy++)
                {
                    for (var deadline = DateTimeOffset.UtcNow + RedeliverFor; ; await Task.Delay(TimeSpan.FromSeconds(1), _stopping.Token))
                    {
                        try
                        {
                            using var response = await PostWebhookAsync((JsonObject)body.DeepClone(), _stopping.Token);
                            if (response.IsSuccessStatusCode) break;
                        }
                        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !_stopping.IsCancellationRequested))
                        {
                            // A node that is down (or does not answer in time) misses this delivery, as with the real
                            // Bolna; the call itself goes on.
                        }

                        if (DateTimeOffset.UtcNow >= deadline) break;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (!lineEnded) Interlocked.Decrement(ref _active);
        }
    }

    private static bool IsLineEnd(string status) =>
        status is "call-disconnected" or "completed" or "busy" or "no-answer" or "failed" or "error" or "canceled" or "stopped" or "balance-low";

    private static JsonObject NewExecution(ReceivedCall call, string status) => new()
    {
        ["id"] = call.ExecutionId,
        ["agent_id"] = call.AgentId,
        ["batch_id"] = null,
        ["status"] = status,
        ["error_message"] = null,
        ["answered_by_voice_mail"] = false,
        ["conversation_duration"] = 0,
        ["total_cost"] = 0,
        ["transcript"] = null,
        ["summary"] = null,
        ["created_at"] = call.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["updated_at"] = DateTimeOffset.UtcNow.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["telephony_data"] = new JsonObject
        {
            ["duration"] = "0",
            ["to_number"] = call.RecipientPhoneNumber,
            ["from_number"] = call.FromPhoneNumber,
            ["recording_url"] = "",
            ["provider"] = "twilio",
            ["hangup_by"] = null,
            ["hangup_reason"] = null,
        },
        ["context_details"] = new JsonObject { ["recipient_phone_number"] = call.RecipientPhoneNumber },
    };
}
